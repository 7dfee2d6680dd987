/* reader.h -- the reader interface: one vtable per input format.
 *
 * To add a reader: write formats/NAME.c defining `const FkReader fk_reader_NAME`,
 * declare it below, and add it to the table in formats/readers.c. The container
 * peeks the first FK_BID_BYTES of an input and every reader bids on them (a
 * pure function); the highest bid wins, `--format NAME` forces one. */
#pragma once

#include "../analyze/sample.h"
#include "../analyze/intern.h"
#include "diag.h"
#include "input.h"
#include "symbols/symbolize.h"

#define FK_BID_BYTES 4096

#define FK_READER_ERROR (fk_reader_error_quark())
GQuark fk_reader_error_quark(void);
typedef enum {
  FK_READER_ERROR_FORMAT, /* the input is not of this format at all */
  FK_READER_ERROR_LIMIT,  /* a configured limit stopped the input */
  FK_READER_ERROR_STRICT, /* --strict and something was skipped */
  /* A piece (FkReadOptions.piece) holds what only a reading of the whole
   * input can read right (a partial's header past the first piece): the
   * pipeline reads the input again whole. */
  FK_READER_ERROR_UNCUT,
} FkReaderError;

typedef enum {
  FK_WEIGHT_DEFAULT, /* the reader's natural unit (periods where the dump has them) */
  FK_WEIGHT_SAMPLES,
  FK_WEIGHT_PERIOD,
} FkWeightMode;

/* Slots of FkReadOptions.own: readers with options of their own. */
typedef enum {
  FK_READER_SLOT_NONE = 0,
  FK_READER_SLOT_PERF_DATA,
  FK_READER_SLOTS,
} FkReaderSlot;

/* What a reader needs from the pipeline that reads it (FkReader.flags). */
typedef enum {
  /* The symbol files of `perf archive` tarballs named before the input
   * (FkReadOptions.symbol_files): the pipeline reads every input before
   * this one first. */
  FK_READER_WANTS_SYMBOL_FILES = 1 << 0,
} FkReaderFlags;

/* What the pieces before one told the readers of those after it
 * (FkReader.carry); strings g_malloc'ed, NULL: none met. */
typedef struct {
  char *host;  /* a text dump's host header (`# hostname :`), the last one */
  char *event; /* a text dump's first event, read when no --event-filter */
} FkPieceCarry;

/* One piece of an input the pipeline cut at line ends (FkReader.cut): it
 * begins after an LF (or where FkReader.boundary says, or at the input's
 * start) and ends where the next begins (or at the input's end). */
typedef struct FkPiece FkPiece;
struct FkPiece {
  /* The lines of the input before the piece, for the numbers of its
   * messages (its first line is number fk_piece_lines_before + 1): counted
   * only when a message needs them, by lines_before (called once, on the
   * reading thread; NULL: lines_known is the count), so that pieces that
   * have nothing to say never wait for the lines before them to be
   * counted. */
  guint64 (*lines_before)(const FkPiece *piece);
  gpointer lines_data; /* for lines_before */
  guint lines_index;   /* for lines_before: the piece's place in the input */
  guint64 lines_known;
  gboolean first;     /* it begins the input (a BOM is looked for) */
  gboolean last;      /* it ends the input */
  FkPieceCarry carry; /* what the pieces before it told (FkReader.carry); not owned */
  /* Out: the stacks the reader cut at max_depth, left here instead of
   * noted: the pipeline notes the sum of every piece once, for the input. */
  guint64 deep_stacks;
  /* Out, for FkReader.note_pieces: what the reader counts for the notes
   * its close gives about a whole input (samples of other events), left
   * here instead of noted; NULL: nothing. */
  gpointer tally;
  /* In and out: what a reader kept of its work for the next piece that the
   * same thread reads into the same FkReadOptions.strings (a cache of
   * interned frame names), freed with keep_free; NULL: nothing. The
   * pipeline hands it on from piece to piece and frees it after the last;
   * a reader takes it at open (leaving NULL) and may leave one at close. */
  gpointer keep;
  GDestroyNotify keep_free;
};

/* PIECE's lines before it (see FkPiece.lines_before), counted at the first
 * call. */
static inline guint64
fk_piece_lines_before(FkPiece *piece)
{
  if (piece->lines_before != NULL) {
    piece->lines_known = piece->lines_before(piece);
    piece->lines_before = NULL;
  }
  return piece->lines_known;
}

/* What every reader may be told. Readers ignore what does not concern them. */
typedef struct {
  FkInterner *strings; /* intern every name and label here */
  FkDiag *diag;        /* report what is skipped */
  gboolean strict;     /* stop at the first skipped item */
  gsize max_line;      /* bytes per text line (0: 16 MiB) */
  gsize max_depth;     /* frames per stack (0: 65536); deeper stacks keep the root side */
  FkWeightMode weight;
  const FkSymbolizeOptions *symbolize; /* perf-data; NULL: defaults */
  /* Text dumps (perf-script, dtrace, bpftrace), named as stackcollapse-perf.pl
   * names them. */
  gboolean include_pid;     /* root frame `comm-PID` */
  gboolean include_tid;     /* root frame `comm-PID/TID` */
  gboolean annotate_kernel; /* `_[k]` on kernel frames */
  gboolean annotate_jit;    /* `_[j]` on perf-PID.map and jitted frames */
  gboolean include_addrs;   /* `[dso <ip>]` for unsymbolized frames */
  const char *event_filter; /* the event to read; NULL: the first one seen */
  gboolean include_offset;  /* keep `+0xoff` of dtrace frames */
  /* folded: strip `+0xoff` (what --strip-offsets does to the tree) from the
   * frames as they are read, so that a profile of unique offsets never
   * builds the tree of them */
  gboolean strip_offsets;
  /* For readers with FK_READER_WANTS_SYMBOL_FILES: the symbol files of the
   * `perf archive` tarballs among the inputs (perf/symfiles.h); NULL: none. */
  struct FkSymbolFiles *symbol_files;
  /* The options of a reader's own, at its FkReader.slot (NULL: its
   * defaults): FkPerfDataOptions (perf/options.h) for perf-data. */
  gconstpointer own[FK_READER_SLOTS];
  /* Reading one piece of a cut input (FkReader.cut), NULL: the whole input. */
  FkPiece *piece;
} FkReadOptions;

typedef enum {
  FK_READ_ERROR = -1, /* fatal for this input (what came before stands) */
  FK_READ_END = 0,
  FK_READ_SAMPLE = 1,
} FkReadStatus;

typedef struct {
  const char *name;    /* as --format takes it */
  const char *summary; /* one line under "formats read" in `flamekit --help` */
  /* 0: not mine; 1..100: how sure. HEAD holds up to FK_BID_BYTES bytes. */
  int (*bid)(const guint8 *head, gsize len);
  /* State for reading IN (not owned; outlives the state), or NULL with ERROR. */
  gpointer (*open)(FkInput *in, const FkReadOptions *opts, GError **error);
  /* The next sample into *S (its arrays owned by the state, valid until the
   * next call). */
  FkReadStatus (*next)(gpointer state, FkSample *s, GError **error);
  void (*close)(gpointer state);
  /* Optional, for `flamekit info`: appends key, value pairs (char*, owned by
   * PAIRS' free function: g_free) describing the input read so far, such as
   * "hostname", "os-release", "cmdline", "event", "build-id". */
  void (*describe)(gpointer state, GPtrArray *pairs);
  FkReaderFlags flags;
  FkReaderSlot slot; /* where its own options are in FkReadOptions.own; 0: none */
  /* Optional: TRUE when an input whose first bytes are HEAD may be read in
   * pieces cut after any LF (or at FkReader.boundary), each by a state of
   * its own opened with FkReadOptions.piece, on several threads: every
   * line (or boundary) begins a record, and the pieces' samples and
   * reports, in order, are those of the whole (line numbers after
   * fk_piece_lines_before). A piece that finds otherwise
   * fails with FK_READER_ERROR_UNCUT. NULL: never cut (perf.data, and
   * multi-line formats with no rule for where a record begins). */
  gboolean (*cut)(const guint8 *head, gsize len);
  /* Optional, with cut, for formats whose records span lines: the offset of
   * the first place at or after AT where a piece may begin in the input
   * BUF[0..LEN) (BUF[0] begins a line; LEN: none). NULL: any line start. */
  gsize (*boundary)(const char *buf, gsize len, gsize at);
  /* Optional, with cut: called on the first piece BUF[0..LEN) (FIRST), and
   * then on each line (without its end) that begins with carry_mark in the
   * pieces after it, in input order, before the piece after it is read, to
   * update CARRY (zeroed before the first) with what the pieces after it
   * must know. FALSE: they cannot be told (the input is read whole). */
  gboolean (*carry)(const char *buf, gsize len, gboolean first, const FkReadOptions *opts,
                    FkPieceCarry *carry);
  /* With carry: after the first piece, only the lines that begin with this
   * byte can tell anything (the pipeline finds them as it counts lines). */
  char carry_mark;
  /* Optional, with cut: gives DIAG at WHERE (the input's name) the notes a
   * whole reading's close gives, from the pieces' tallies (FkPiece.tally,
   * N of them, in input order, NULL ones among them), and frees them; DIAG
   * NULL: only frees them (the input is read again whole). */
  void (*note_pieces)(gpointer *tallies, guint n, const FkReadOptions *opts, const char *where,
                      FkDiag *diag);
} FkReader;

extern const FkReader fk_reader_folded;
extern const FkReader fk_reader_perf_script;
extern const FkReader fk_reader_dtrace;
extern const FkReader fk_reader_bpftrace;
extern const FkReader fk_reader_perf_data;

/* All readers, in bidding order, NULL-terminated. */
const FkReader *const *fk_readers(void);
const FkReader *fk_reader_lookup(const char *name);
/* The reader bidding highest on HEAD, or NULL when none bids. */
const FkReader *fk_reader_choose(const guint8 *head, gsize len);
