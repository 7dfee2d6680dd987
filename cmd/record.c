/* record.c -- `flamekit record`: run perf record on a command (or attach to
 * running processes), then read the capture natively and draw it through
 * graph's path, as cargo-flamegraph's `flamegraph -- CMD` does with perf
 * script and inferno. What perf itself would say cryptically (no PMU,
 * perf_event_paranoid, a missing program) is checked here first and said
 * with what to do about it. */
#include "graph.h"

#include "../formats/symbols/elf.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
  gint freq;
  char *call_graph;
  char *custom;
  gboolean compress, root, open, ignore_status, verbose;
  char *perfdata;
  char *post_process;
  char *pids;
  double duration;
} RecordOptions;

static void
record_options_clear(RecordOptions *r)
{
  g_clear_pointer(&r->call_graph, g_free);
  g_clear_pointer(&r->custom, g_free);
  g_clear_pointer(&r->perfdata, g_free);
  g_clear_pointer(&r->post_process, g_free);
  g_clear_pointer(&r->pids, g_free);
}

/* What the kernel says to opening EVENT on this process, user space only (as
 * an unprivileged perf record does): 0 when it can be sampled, else the errno. */
static int
probe_event(guint32 type, guint64 config)
{
  struct perf_event_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.size = sizeof attr;
  attr.type = type;
  attr.config = config;
  attr.disabled = 1;
  attr.exclude_kernel = 1;
  attr.exclude_hv = 1;
  long fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
  if (fd < 0)
    return errno;
  close((int)fd);
  return 0;
}

static int
read_sysctl(const char *path, int fallback)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, NULL))
    return fallback;
  return atoi(text);
}

/* BLOCKED: our probe was refused; else perf failed and this may be why. */
static void
say_paranoid(int level, gboolean blocked)
{
  if (blocked)
    fk_cmd_error("perf cannot sample here: kernel.perf_event_paranoid is %d", level);
  else
    fk_cmd_error("if perf's message is about access: kernel.perf_event_paranoid is %d", level);
  fk_cmd_error("levels: -1 everything; 0 CPU-wide and kernel data; 1 also kernel profiling of "
               "your processes; 2 only user space of your processes; 3 and above (some distros) "
               "nothing without CAP_PERFMON");
  fk_cmd_error("to profile your own programs: sudo sysctl kernel.perf_event_paranoid=2 "
               "(or 1 for kernel frames), or run with --root");
}

/* Kernel symbols need /proc/kallsyms with addresses: kptr_restrict 1 hides
 * them from users without CAP_SYSLOG, 2 from everyone. Only a warning: the
 * user-space frames are complete. */
static void
check_kptr(gboolean as_root)
{
  int level = read_sysctl("/proc/sys/kernel/kptr_restrict", 0);
  if (level == 0 || (level == 1 && as_root))
    return;
  fk_cmd_error("kernel symbols are hidden (kernel.kptr_restrict=%d): kernel frames will be "
               "unnamed; to name them: sudo sysctl kernel.kptr_restrict=0",
               level);
}

/* CMD as a path to exec, or NULL (printed) when there is none. */
static char *
find_program(const char *cmd)
{
  if (strchr(cmd, '/') != NULL) {
    if (access(cmd, X_OK) == 0 && !g_file_test(cmd, G_FILE_TEST_IS_DIR))
      return g_strdup(cmd);
    fk_cmd_error("%s: %s", cmd,
                 access(cmd, F_OK) == 0 ? "not an executable program" : "no such program");
    return NULL;
  }
  char *path = g_find_program_in_path(cmd);
  if (path == NULL)
    fk_cmd_error("%s: command not found in PATH; give its path (./%s) or install it", cmd, cmd);
  return path;
}

/* Warns when PROGRAM has no DWARF (own or in /usr/lib/debug by build id):
 * no inline frames, no source lines, and perf's dwarf mode unwinds through
 * it by .eh_frame only. */
static void
check_debug_info(const char *program)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FkElf) elf = fk_elf_open_file(program, &error);
  if (elf == NULL || fk_elf_has_dwarf(elf))
    return; /* a script, or fine */
  gsize len = 0;
  const guint8 *id = fk_elf_build_id(elf, &len);
  if (id != NULL && len > 1) {
    g_autofree char *hex = fk_build_id_hex(id, len);
    g_autofree char *dbg = g_strdup_printf("/usr/lib/debug/.build-id/%.2s/%s.debug", hex, hex + 2);
    if (g_file_test(dbg, G_FILE_TEST_EXISTS))
      return;
  }
  fk_cmd_error("%s: no debug info%s: no inline frames or source lines; for Rust put "
               "'[profile.release] debug = true' in Cargo.toml (cargo flamekit does it for you), "
               "for C and C++ compile with -g",
               program, fk_elf_has_symtab(elf) ? "" : " and no symbol table (stripped)");
}

/* Starts ARGV with IN_FD and OUT_FD (-1: ours) as its standard input and
 * output and FD3 (-1: none) as its descriptor 3; *PID to wait for. FALSE
 * (printed) when it did not start. */
static gboolean
spawn(const char *const *argv, int in_fd, int out_fd, int fd3, GPid *pid)
{
  g_autoptr(GError) error = NULL;
  int source[] = {fd3}, target[] = {3};
  if (!g_spawn_async_with_pipes_and_fds(
          NULL, argv, NULL,
          G_SPAWN_DO_NOT_REAP_CHILD | (in_fd < 0 ? G_SPAWN_CHILD_INHERITS_STDIN : 0), NULL, NULL,
          in_fd, out_fd, -1, source, target, fd3 >= 0 ? 1 : 0, pid, NULL, NULL, NULL, &error)) {
    fk_cmd_error("%s: %s", argv[0], error->message);
    return FALSE;
  }
  return TRUE;
}

static volatile GPid perf_pid;
static volatile sig_atomic_t got_signal, recording_began, stops;

/* SIGINT and SIGTERM end the recording, not flamekit: perf is told (it gets
 * a terminal's Ctrl-C itself too, being in our process group) and the
 * capture is still drawn. One that comes before perf has begun recording
 * is passed on when it has (perf_run_began): perf killed in its start
 * would leave nothing to draw. A second one is passed on at once (a perf
 * that never begins, say sudo waiting for a password). */
static void
on_stop_signal(int sig)
{
  got_signal = sig;
  stops++;
  if (perf_pid > 0 && (recording_began || stops > 1))
    kill(perf_pid, SIGINT);
}

/* One perf record process, from its start to its wait status. */
typedef struct {
  GPid pid;
  double duration; /* > 0: stopped (SIGINT) after that many seconds */
  int status;      /* the wait status, -1 when it was lost */
  /* When the recording began (perf's first byte; its start without a
   * stream): --duration counts from there, not from a start that a loaded
   * machine can make take a second. Set, then flagged by begun. */
  gint64 began;
  gint begun;
  gboolean interrupted; /* --duration or a signal ended it */
  struct sigaction old_int, old_term;
} PerfRun;

/* The stop signals go to perf from now on (on_stop_signal). */
static void
perf_run_begin(PerfRun *run, GPid pid)
{
  run->pid = pid;
  run->status = -1;
  struct sigaction sa = {.sa_handler = on_stop_signal};
  sigemptyset(&sa.sa_mask);
  got_signal = 0;
  recording_began = 0;
  stops = 0;
  perf_pid = pid;
  sigaction(SIGINT, &sa, &run->old_int);
  sigaction(SIGTERM, &sa, &run->old_term);
}

/* Waits for perf (a GThreadFunc: the streamed path reads while it runs),
 * stopping it at the deadline. */
static gpointer
perf_run_wait(gpointer data)
{
  PerfRun *run = data;
  gboolean timed = run->duration > 0;
  gint64 deadline = 0;
  int status = 0;
  for (;;) {
    if (timed && deadline == 0 && g_atomic_int_get(&run->begun))
      deadline = run->began + (gint64)(run->duration * 1e6);
    pid_t r = waitpid(run->pid, &status, timed ? WNOHANG : 0);
    if (r == run->pid)
      break;
    if (r < 0 && errno != EINTR) {
      status = -1;
      break;
    }
    if (deadline && g_get_monotonic_time() >= deadline) {
      kill(run->pid, SIGINT);
      timed = FALSE;
      run->interrupted = TRUE;
    } else if (timed) {
      g_usleep(20000);
    }
  }
  perf_pid = 0;
  run->status = status;
  return NULL;
}

/* The recording has begun: --duration counts from now. */
static void
perf_run_began(PerfRun *run)
{
  run->began = g_get_monotonic_time();
  g_atomic_int_set(&run->begun, TRUE);
  recording_began = 1;
  GPid pid = perf_pid;
  if (got_signal && pid > 0)
    kill(pid, SIGINT); /* a stop asked for during perf's start */
}

/* The stop signals are flamekit's own again. */
static void
perf_run_end(PerfRun *run)
{
  sigaction(SIGINT, &run->old_int, NULL);
  sigaction(SIGTERM, &run->old_term, NULL);
  if (got_signal)
    run->interrupted = TRUE;
}

/* Runs ARGV to its end: today's path, perf writing a file. FALSE (printed)
 * when it did not start. */
static gboolean
run_perf(char **argv, PerfRun *run)
{
  GPid pid;
  if (!spawn((const char *const *)argv, -1, -1, -1, &pid))
    return FALSE;
  perf_run_begin(run, pid);
  perf_run_began(run);
  perf_run_wait(run);
  perf_run_end(run);
  return TRUE;
}

/* ---- the streamed capture ----
 * perf record -o - writes pipe mode to its standard output, a pipe; the
 * relay moves it (splice: no copy) into the pipe the reader reads and, with
 * --perfdata, into the kept file too (tee, then one copy into the file),
 * counting the bytes. The reader's pipe is held open here as well, so that
 * a reader that stops early never makes perf die of SIGPIPE: the relay
 * then drains the rest into the file, or nowhere. */
typedef struct {
  int from;             /* perf's output, the read end */
  int to;               /* the reader's pipe, the write end; -1 once it is closed */
  int file;             /* the kept capture being written, or -1 */
  int file_errno;       /* why writing FILE failed; 0: it did not */
  guint64 bytes;        /* what perf wrote */
  gboolean reader_gone; /* set by the main thread: stop feeding the reader */
} Relay;

#define RELAY_CHUNK (1u << 20)

static gboolean
write_all(int fd, const guint8 *p, gsize n)
{
  while (n > 0) {
    gssize k = write(fd, p, n);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      return FALSE;
    p += k;
    n -= (gsize)k;
  }
  return TRUE;
}

/* Reads N bytes (0: up to a chunk) of perf's output into BUF for the file;
 * the bytes read, 0 at the end, -1 on an error. */
static gssize
relay_read(Relay *rl, guint8 *buf, gsize n)
{
  for (;;) {
    gssize k = read(rl->from, buf, n ? MIN(n, RELAY_CHUNK) : RELAY_CHUNK);
    if (k < 0 && errno == EINTR)
      continue;
    if (k > 0 && rl->file >= 0 && rl->file_errno == 0 && !write_all(rl->file, buf, (gsize)k))
      rl->file_errno = errno ? errno : EIO;
    return k;
  }
}

static gpointer
relay_run(gpointer data)
{
  Relay *rl = data;
  /* A reader gone is EPIPE on this thread, not flamekit's end. */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  g_autofree guint8 *buf = g_malloc(RELAY_CHUNK);
  gboolean zero_copy = TRUE;
  for (;;) {
    if (rl->to >= 0 && g_atomic_int_get(&rl->reader_gone)) {
      close(rl->to);
      rl->to = -1;
    }
    gssize n;
    if (rl->to >= 0 && zero_copy) {
      n = rl->file >= 0 ? tee(rl->from, rl->to, RELAY_CHUNK, 0)
                        : splice(rl->from, NULL, rl->to, NULL, RELAY_CHUNK, SPLICE_F_MOVE);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EPIPE) {
        g_atomic_int_set(&rl->reader_gone, TRUE);
        continue;
      }
      if (n < 0) { /* a kernel or pipe that cannot: copy */
        zero_copy = FALSE;
        continue;
      }
      if (n == 0)
        break;
      rl->bytes += (guint64)n;
      if (rl->file >= 0) /* tee left them in perf's pipe: into the file */
        for (gssize left = n, k; left > 0; left -= k)
          if ((k = relay_read(rl, buf, (gsize)left)) <= 0)
            return NULL;
      continue;
    }
    n = relay_read(rl, buf, 0);
    if (n <= 0)
      break;
    rl->bytes += (guint64)n;
    if (rl->to >= 0 && !write_all(rl->to, buf, (gsize)n))
      g_atomic_int_set(&rl->reader_gone, TRUE);
  }
  return NULL;
}

static gpointer
relay_thread(gpointer data)
{
  Relay *rl = data;
  relay_run(rl);
  if (rl->to >= 0) /* the reader's end of the stream */
    close(rl->to);
  rl->to = -1;
  return NULL;
}

/* perf's arguments that pipe mode refuses (perf 6.1: "not available in
 * pipe mode", or a file per switch): such a -c is recorded into a file and
 * read after the end, as before streaming. */
static const char *
unstreamable(const RecordOptions *r)
{
  static const char *const refused[] = {"--threads", "--switch-output", "--switch-max-files", NULL};
  if (r->custom == NULL)
    return NULL;
  g_auto(GStrv) words = NULL;
  if (!g_shell_parse_argv(r->custom, NULL, &words, NULL))
    return NULL;
  for (guint i = 0; words[i]; i++)
    for (guint k = 0; refused[k]; k++)
      if (g_str_has_prefix(words[i], refused[k]))
        return refused[k];
  return NULL;
}

/* Runs `sh -c CMD` with IN as its input and OUT as its output: --post-process. */
static gboolean
post_process(const char *cmd, const char *in, const char *out)
{
  int ifd = open(in, O_RDONLY | O_CLOEXEC);
  int ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  gboolean ok = ifd >= 0 && ofd >= 0;
  if (!ok)
    fk_cmd_error("--post-process: %s", g_strerror(errno));
  const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
  GPid pid = 0;
  int status = 0;
  if (ok && (ok = spawn(argv, ifd, ofd, -1, &pid)))
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
      ;
  if (ifd >= 0)
    close(ifd);
  if (ofd >= 0)
    close(ofd);
  if (ok && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
    fk_cmd_error("--post-process: '%s' failed (%s %d)", cmd,
                 WIFEXITED(status) ? "exit status" : "signal",
                 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    ok = FALSE;
  }
  return ok;
}

/* --post-process: the capture's stacks, untransformed, as folded text into
 * a file beside CAPTURE, through CMD, into another; returns that one's path
 * (to draw), NULL after printing. */
static char *
fold_through(FkGraph *graph, const char *capture, const char *cmd)
{
  FkTransformOptions plain;
  fk_transform_options_init(&plain);
  FkCollectOptions copts;
  fk_collect_options_init(&copts);
  if (fk_transform_options_check(&plain, &copts) != FK_EXIT_OK)
    return NULL;
  g_autoptr(FkDiag) diag = fk_diag_new(5);
  g_autoptr(FkCollector) collector = fk_collector_new(NULL, &copts);
  char *paths[] = {(char *)capture, NULL};
  gboolean ok = fk_cmd_read_inputs(paths, &graph->iopts, collector, diag);
  if (fk_cmd_report_diag(diag, &graph->iopts) != FK_EXIT_OK)
    ok = FALSE;
  g_autoptr(FkTree) tree = fk_transform_options_finish(&plain, collector, capture, &ok);
  fk_transform_options_clear(&plain);
  g_autofree char *folded = g_strconcat(capture, ".folded", NULL);
  char *processed = g_strconcat(capture, ".processed", NULL);
  FkRenderOptions ropts;
  fk_render_options_init(&ropts);
  if (ok && tree != NULL && fk_cmd_write(tree, &fk_writer_folded, &ropts, folded))
    ok = post_process(cmd, folded, processed);
  else
    ok = FALSE;
  unlink(folded);
  if (!ok) {
    unlink(processed);
    g_free(processed);
    return NULL;
  }
  /* What was read is the capture; what is drawn is folded text (its facts
   * would otherwise count the samples twice). */
  g_array_set_size(graph->iopts.facts, 0);
  return processed;
}

/* Reads CAPTURE (through --post-process first) and draws it; the exit code. */
static int
read_capture(FkGraph *graph, const RecordOptions *r, const char *capture, char **drawn)
{
  char *paths[] = {(char *)capture, NULL};
  if (r->post_process != NULL) {
    *drawn = fold_through(graph, capture, r->post_process);
    if (*drawn == NULL)
      return FK_EXIT_FAILURE;
    paths[0] = *drawn;
  }
  return fk_graph_run(graph, paths, "record");
}

/* Makes room at PATH (--perfdata's FILE) for the link the reader reads
 * through: an earlier capture there becomes FILE.old, as perf record does
 * with its -o. FALSE (printed) when it cannot. */
static gboolean
make_room(const char *path)
{
  struct stat st;
  if (lstat(path, &st) != 0)
    return TRUE;
  if (S_ISDIR(st.st_mode)) {
    fk_cmd_error("--perfdata %s: is a directory", path);
    return FALSE;
  }
  g_autofree char *old = g_strconcat(path, ".old", NULL);
  if (S_ISREG(st.st_mode) && st.st_size > 0 ? rename(path, old) == 0 : unlink(path) == 0)
    return TRUE;
  fk_cmd_error("--perfdata %s: %s", path, g_strerror(errno));
  return FALSE;
}

/* Records and reads at once: perf's pipe-mode stream goes through the relay
 * into the reader, which finds it at CAPTURE (a link to the relay's pipe,
 * named as the user knows the capture), and into --perfdata's file, which
 * takes CAPTURE's place at the end. Samples are unwound, symbolized and
 * added while the command runs, so that after it exits only the last of
 * them and the drawing are left. *STARTED: perf wrote a first byte (else it
 * failed to start, and RUN says how); *SIZE: the bytes it wrote. Returns
 * the reading's exit code. */
static int
record_streamed(FkGraph *graph, const RecordOptions *r, const char *capture, char **argv,
                const char *program, PerfRun *run, gboolean *started, guint64 *size, char **drawn)
{
  int out[2] = {-1, -1}, feed[2] = {-1, -1};
  Relay rl = {.from = -1, .to = -1, .file = -1};
  g_autofree char *kept = NULL;
  g_autofree char *link = NULL;
  GThread *waiter = NULL, *relay = NULL;
  gboolean linked = FALSE;
  int rc = FK_EXIT_FAILURE;
  *started = FALSE;
  run->status = -1; /* until perf has run */
  /* Everything that can fail before perf runs, so that a failure does not
   * cost a run of the command. */
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(feed, O_CLOEXEC) != 0) {
    fk_cmd_error("cannot make a pipe for perf's stream: %s", g_strerror(errno));
    goto done;
  }
  /* A megabyte in flight on each (a pipe holds 64 KiB, one DWARF sample):
   * perf's ring buffers do not wait on a reader busy for a moment. */
  fcntl(out[1], F_SETPIPE_SZ, (int)RELAY_CHUNK);
  fcntl(feed[1], F_SETPIPE_SZ, (int)RELAY_CHUNK);
  rl.from = out[0];
  rl.to = feed[1];
  if (r->perfdata != NULL) {
    if (!make_room(capture))
      goto done;
    kept = g_strconcat(capture, ".XXXXXX", NULL);
    rl.file = g_mkstemp_full(kept, O_WRONLY | O_CLOEXEC, 0600);
    if (rl.file < 0) {
      fk_cmd_error("--perfdata %s: %s", capture, g_strerror(errno));
      goto done;
    }
  }
  link = g_strdup_printf("/proc/%d/fd/%d", (int)getpid(), feed[0]);
  if (symlink(link, capture) != 0) {
    fk_cmd_error("%s: %s", capture, g_strerror(errno));
    goto done;
  }
  linked = TRUE;
  int fd3 = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
  if (fd3 < 0)
    fd3 = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
  GPid pid;
  gboolean spawned = spawn((const char *const *)argv, -1, out[1], fd3, &pid);
  close(out[1]);
  out[1] = -1;
  if (fd3 >= 0)
    close(fd3);
  if (!spawned)
    goto done;
  perf_run_begin(run, pid);
  waiter = g_thread_new("perf-wait", perf_run_wait, run);
  /* The first byte, or perf's end without one: it failed to start. */
  struct pollfd pfd = {.fd = out[0], .events = POLLIN};
  while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
    ;
  *started = (pfd.revents & POLLIN) != 0;
  if (!*started)
    goto done;
  perf_run_began(run);
  if (program != NULL)
    check_debug_info(program);
  relay = g_thread_new("perf-relay", relay_thread, &rl);
  /* No progress line: the command owns the terminal while it runs. */
  gboolean quiet = graph->iopts.quiet;
  graph->iopts.quiet = TRUE;
  rc = read_capture(graph, r, capture, drawn);
  graph->iopts.quiet = quiet;
done:
  if (linked)
    unlink(capture);
  /* A reader that stopped early: the relay drains perf into the file or
   * nowhere, and perf ends with its command. */
  g_atomic_int_set(&rl.reader_gone, TRUE);
  if (feed[0] >= 0)
    close(feed[0]);
  if (relay != NULL)
    g_thread_join(relay);
  else if (rl.to >= 0)
    close(rl.to);
  if (out[1] >= 0)
    close(out[1]);
  if (waiter != NULL) {
    g_thread_join(waiter);
    perf_run_end(run);
  }
  if (out[0] >= 0)
    close(out[0]);
  *size = rl.bytes;
  if (rl.file >= 0) {
    if (close(rl.file) != 0 && rl.file_errno == 0)
      rl.file_errno = errno;
    if (rl.file_errno != 0 || relay == NULL) {
      if (relay != NULL)
        fk_cmd_error("--perfdata %s: %s; the capture is not kept", capture,
                     g_strerror(rl.file_errno));
      unlink(kept);
      rc = FK_EXIT_FAILURE;
    } else if (rename(kept, capture) != 0) {
      fk_cmd_error("--perfdata %s: %s; the capture is in %s", capture, g_strerror(errno), kept);
      rc = FK_EXIT_FAILURE;
    }
  }
  return rc;
}

/* The perf record command line; STREAMED: pipe mode to its standard output. */
static GPtrArray *
perf_argv(const RecordOptions *r, const char *perf, const char *capture, gboolean streamed,
          gboolean cpu_clock, const char *sudo, char **cmd)
{
  GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
  if (sudo)
    g_ptr_array_add(a, g_strdup(sudo));
  g_ptr_array_add(a, g_strdup(perf));
  if (r->custom != NULL) {
    g_auto(GStrv) words = NULL;
    g_shell_parse_argv(r->custom, NULL, &words, NULL); /* checked when parsing */
    for (guint i = 0; words[i]; i++)
      g_ptr_array_add(a, g_strdup(words[i]));
  } else {
    g_ptr_array_add(a, g_strdup("record"));
    g_ptr_array_add(a, g_strdup_printf("-F%d", r->freq));
    g_ptr_array_add(a, g_strdup("--call-graph"));
    g_ptr_array_add(a, g_strdup(r->call_graph));
    g_ptr_array_add(a, g_strdup("-g"));
  }
  if (cpu_clock)
    g_ptr_array_add(a, g_strdup("-ecpu-clock"));
  if (r->compress)
    g_ptr_array_add(a, g_strdup("-z"));
  if (!r->verbose)
    g_ptr_array_add(a, g_strdup("-q"));
  /* A temporary capture is read here, now, and removed: its binaries are
   * found by path, so perf's pass over the whole capture for build ids (most
   * of its time after the program exits, for DWARF captures) and its copies
   * of every binary into ~/.debug serve nobody. A kept file capture
   * (--perfdata) gets them, for reading later or elsewhere; a kept stream
   * has no end pass (pipe mode) and gets each binary's build id in its
   * MMAP2 record instead (--buildid-mmap, which also skips the copies). */
  if (r->perfdata == NULL) {
    g_ptr_array_add(a, g_strdup("--no-buildid"));
    g_ptr_array_add(a, g_strdup("--no-buildid-cache"));
    /* Nor BPF program events (flamekit names kernel frames from kallsyms):
     * perf's side-band thread for them polls with a 1 s timeout, and perf's
     * end waits for it, 0.35 to 1 s after the command exits. */
    g_ptr_array_add(a, g_strdup("--no-bpf-event"));
  } else if (streamed) {
    g_ptr_array_add(a, g_strdup("--buildid-mmap"));
  }
  g_ptr_array_add(a, g_strdup("-o"));
  g_ptr_array_add(a, g_strdup(streamed ? "-" : capture));
  if (r->pids != NULL) {
    g_ptr_array_add(a, g_strdup("-p"));
    g_ptr_array_add(a, g_strdup(r->pids));
  } else {
    g_ptr_array_add(a, g_strdup("--"));
    /* In pipe mode perf gives the command its standard error as standard
     * output (its own is the stream): the command gets ours back, which
     * spawn passed as descriptor 3. */
    if (streamed) {
      g_ptr_array_add(a, g_strdup("/bin/sh"));
      g_ptr_array_add(a, g_strdup("-c"));
      g_ptr_array_add(a, g_strdup("exec 1>&3 3>&-; exec \"$@\""));
      g_ptr_array_add(a, g_strdup("sh"));
    }
    for (guint i = 0; cmd[i]; i++)
      g_ptr_array_add(a, g_strdup(cmd[i]));
  }
  g_ptr_array_add(a, NULL);
  return a;
}

/* Usage checks of the record options; FK_EXIT_OK or the code. */
static int
check_record(RecordOptions *r, gboolean freq_given, char **cmd)
{
  if (r->pids == NULL && (cmd == NULL || cmd[0] == NULL))
    return fk_cmd_usage("nothing to record: give a command after '--' or --pid PID");
  if (r->pids != NULL && cmd != NULL && cmd[0] != NULL)
    return fk_cmd_usage("--pid and a command: give one of them");
  if (r->pids != NULL && !g_regex_match_simple("^[0-9]+(,[0-9]+)*$", r->pids, 0, 0))
    return fk_cmd_usage("--pid: expected process ids such as 1234 or 1234,5678, not '%s'", r->pids);
  if (r->duration < 0 || r->duration > 1e7)
    return fk_cmd_usage("--duration: expected a number of seconds");
  if (r->freq < 1 || r->freq > 1000000)
    return fk_cmd_usage("--freq: expected 1 to 1000000 samples a second");
  if (r->custom != NULL) {
    g_auto(GStrv) words = NULL;
    g_autoptr(GError) error = NULL;
    if (!g_shell_parse_argv(r->custom, NULL, &words, &error))
      return fk_cmd_usage("--cmd: %s", error->message);
    if (strcmp(words[0], "record") != 0)
      return fk_cmd_usage("--cmd: expected perf record's arguments ('record -e ... -g'), not "
                          "'%s'",
                          r->custom);
    if (freq_given || r->call_graph != NULL)
      return fk_cmd_usage("--cmd replaces -F and --call-graph: put them in its text");
  }
  if (r->call_graph == NULL)
    r->call_graph = g_strdup("dwarf,64000");
  if (!g_regex_match_simple("^(fp|lbr|dwarf(,[0-9]+)?)$", r->call_graph, 0, 0))
    return fk_cmd_usage("--call-graph: expected fp, dwarf, dwarf,SIZE or lbr, not '%s'",
                        r->call_graph);
  return FK_EXIT_OK;
}

static gboolean
pids_exist(const char *pids)
{
  g_auto(GStrv) list = g_strsplit(pids, ",", -1);
  for (guint i = 0; list[i]; i++) {
    g_autofree char *dir = g_strdup_printf("/proc/%s", list[i]);
    if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
      fk_cmd_error("--pid %s: no such process", list[i]);
      return FALSE;
    }
  }
  return TRUE;
}

static void
open_output(const char *path)
{
  g_autofree char *opener = g_find_program_in_path("xdg-open");
  if (opener == NULL) {
    fk_cmd_error("--open: no xdg-open here; the graph is %s", path);
    return;
  }
  const char *argv[] = {opener, path, NULL};
  g_autoptr(GError) error = NULL;
  if (!g_spawn_async(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, &error))
    fk_cmd_error("--open: %s", error->message);
}

int
cmd_record(int argc, char **argv)
{
  FkGraph graph;
  fk_graph_init(&graph);
  static const char *const own[] = {"pid", NULL};
  graph.iopts.own_options = own;
  RecordOptions r = {.freq = 0};
  const GOptionEntry entries[] = {
      {"freq", 'F', 0, G_OPTION_ARG_INT, &r.freq, "Sample at HZ times a second (default 997)",
       "HZ"},
      {"call-graph", 0, 0, G_OPTION_ARG_STRING, &r.call_graph,
       "How perf records stacks: dwarf[,SIZE] (default dwarf,64000), fp, lbr", "MODE"},
      {"cmd", 'c', 0, G_OPTION_ARG_STRING, &r.custom,
       "perf's arguments instead of the defaults, e.g. 'record -e branch-misses -c 100 "
       "--call-graph lbr -g'",
       "ARGS"},
      {"compress", 'z', 0, G_OPTION_ARG_NONE, &r.compress, "Compress the capture (perf record -z)",
       NULL},
      {"pid", 0, 0, G_OPTION_ARG_STRING, &r.pids,
       "Attach to running processes instead of a command (not graph's --pid), until Ctrl-C or "
       "--duration",
       "PID[,PID...]"},
      {"duration", 0, 0, G_OPTION_ARG_DOUBLE, &r.duration, "Stop recording after SECS seconds",
       "SECS"},
      {"root", 0, 0, G_OPTION_ARG_NONE, &r.root,
       "Run perf under sudo when not root; the capture stays readable by you", NULL},
      {"open", 0, 0, G_OPTION_ARG_NONE, &r.open, "Open the first output with xdg-open", NULL},
      {"ignore-status", 0, 0, G_OPTION_ARG_NONE, &r.ignore_status,
       "A command that exits with an error is not a failure", NULL},
      {"perfdata", 0, 0, G_OPTION_ARG_FILENAME, &r.perfdata,
       "Keep the capture in FILE, written as it is read (default: none is kept)", "FILE"},
      {"post-process", 0, 0, G_OPTION_ARG_STRING, &r.post_process,
       "Pass the folded stacks through CMD (standard input to output) before drawing", "CMD"},
      {"verbose", 'v', 0, G_OPTION_ARG_NONE, &r.verbose, "Show perf's command line and messages",
       NULL},
      {"min-width", 0, 0, G_OPTION_ARG_STRING, &graph.topts.minwidth,
       "Same as --minwidth (cargo-flamegraph's spelling)", "PX"},
      {"image-width", 0, 0, G_OPTION_ARG_DOUBLE, &graph.g.width,
       "Same as --width (cargo-flamegraph's spelling)", "PX"},
      {NULL, 0, 0, 0, NULL, NULL, NULL},
  };
  g_autoptr(GOptionContext) context = g_option_context_new("[-o OUT] -- CMD [ARGS...]");
  g_option_context_set_summary(
      context, "Run CMD under perf record (or attach to --pid), read the capture and draw it:\n"
               "flamegraph.svg by default, or any output by -o's extension. Takes every graph "
               "option.");
  g_option_context_set_strict_posix(context, TRUE); /* CMD's own options are CMD's */
  g_option_context_add_main_entries(context, entries, NULL);
  fk_graph_add_options(&graph, context);
  /* Everything after the first "--" is CMD; GOption would drop the "--". */
  char **cmd = NULL;
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "--") == 0) {
      cmd = argv + i + 1;
      argc = i;
      break;
    }
  int rc = fk_cmd_parse(context, &argc, &argv);
  if (rc == FK_EXIT_OK && cmd == NULL)
    cmd = argv + 1; /* `record ./prog args`: strict POSIX stopped at ./prog */
  else if (rc == FK_EXIT_OK && argc > 1)
    rc = fk_cmd_usage("'%s' before '--': the command goes after it", argv[1]);
  gboolean freq_given = r.freq != 0;
  if (!freq_given)
    r.freq = 997;
  if (rc == FK_EXIT_OK)
    rc = check_record(&r, freq_given, cmd);
  if (rc == FK_EXIT_OK && graph.g.outputs == NULL) {
    graph.g.outputs = g_new0(char *, 2);
    graph.g.outputs[0] = g_strdup("flamegraph.svg");
  }
  if (rc == FK_EXIT_OK)
    rc = fk_graph_check(&graph);
  if (rc != FK_EXIT_OK) {
    record_options_clear(&r);
    fk_graph_clear(&graph);
    return rc;
  }

  gboolean as_root = geteuid() == 0;
  gboolean sudo = r.root && !as_root;
  g_autofree char *perf = g_find_program_in_path("perf");
  g_autofree char *sudo_path = sudo ? g_find_program_in_path("sudo") : NULL;
  g_autofree char *program = NULL;
  g_autofree char *capture = NULL;
  g_autofree char *drawn = NULL;
  g_autoptr(GPtrArray) pa = NULL;
  struct stat st;
  gboolean temporary = r.perfdata == NULL;
  gboolean streamed = FALSE;
  rc = FK_EXIT_FAILURE;
  if (perf == NULL) {
    fk_cmd_error("perf not found in PATH; install it: sudo apt-get install linux-perf");
    goto out;
  }
  if (sudo && sudo_path == NULL) {
    fk_cmd_error("--root: sudo not found; install it or run flamekit as root");
    goto out;
  }
  if (r.pids != NULL ? !pids_exist(r.pids) : (program = find_program(cmd[0])) == NULL)
    goto out;
  if (!sudo && !as_root) {
    int e = probe_event(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK);
    if (e == EACCES || e == EPERM) {
      say_paranoid(read_sysctl("/proc/sys/kernel/perf_event_paranoid", 2), TRUE);
      goto out;
    }
  }
  gboolean cpu_clock = FALSE;
  if (r.custom == NULL || !g_regex_match_simple("(^| )(-e|--event)", r.custom, 0, 0)) {
    int e = probe_event(PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES);
    if (e == ENOENT || e == EOPNOTSUPP || e == ENODEV || e == EINVAL) {
      cpu_clock = TRUE;
      if (!graph.iopts.quiet)
        fk_cmd_error("the cycles event is not available here (a virtual machine?): sampling "
                     "cpu-clock instead");
    }
  }
  if (as_root || sudo || read_sysctl("/proc/sys/kernel/perf_event_paranoid", 2) <= 1)
    check_kptr(as_root || sudo);
  /* Streamed unless -c asks for what pipe mode refuses, or perf runs a
   * command under sudo, which closes the descriptor that gives the command
   * its standard output back (perf_argv). */
  streamed = unstreamable(&r) == NULL && !(sudo && r.pids == NULL);
  if (temporary) {
    int fd = g_file_open_tmp("flamekit-record-XXXXXX.data", &capture, NULL);
    if (fd < 0) {
      fk_cmd_error("cannot make a temporary capture file in %s", g_get_tmp_dir());
      goto out;
    }
    close(fd);
    unlink(capture); /* the name, for perf's file or the reader's link (perf record --threads
                      * refuses a file that is there) */
  } else {
    capture = g_strdup(r.perfdata);
  }
  if (program != NULL)
    cmd[0] = program; /* argv's: not freed */
  pa = perf_argv(&r, perf, capture, streamed, cpu_clock, sudo_path, cmd);
  if (r.verbose) {
    g_autofree char *line = g_strjoinv(" ", (char **)pa->pdata);
    fk_cmd_error("running %s", line);
  }
  PerfRun run = {.duration = r.duration};
  gboolean have_capture = FALSE;
  guint64 size = 0;
  int read_rc = FK_EXIT_FAILURE;
  if (streamed) {
    read_rc = record_streamed(&graph, &r, capture, (char **)pa->pdata, program, &run, &have_capture,
                              &size, &drawn);
    if (run.status == -1 && !have_capture)
      goto out;
  } else {
    if (!run_perf((char **)pa->pdata, &run))
      goto out;
    if (sudo) {
      g_autofree char *owner = g_strdup_printf("%u:%u", (unsigned)getuid(), (unsigned)getgid());
      const char *chown_argv[] = {sudo_path, "chown", owner, capture, NULL};
      GPid pid;
      int cst;
      if (spawn(chown_argv, -1, -1, -1, &pid))
        waitpid(pid, &cst, 0);
    }
    have_capture = stat(capture, &st) == 0 && st.st_size > 0;
    size = have_capture ? (guint64)st.st_size : 0;
  }
  int status = run.status;
  gboolean stopped =
      run.interrupted ||
      (WIFSIGNALED(status) && (WTERMSIG(status) == SIGINT || WTERMSIG(status) == SIGTERM)) ||
      (WIFEXITED(status) &&
       (WEXITSTATUS(status) == 128 + SIGINT || WEXITSTATUS(status) == 128 + SIGTERM));
  gboolean failed_status = !stopped && !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  if (!have_capture) {
    fk_cmd_error("perf record failed (%s %d) and wrote no capture; its message is above%s",
                 WIFEXITED(status) ? "exit status" : "signal",
                 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
                 r.verbose ? "" : " (-v shows more)");
    if (!as_root && !sudo)
      say_paranoid(read_sysctl("/proc/sys/kernel/perf_event_paranoid", 2), FALSE);
    goto out;
  }
  if (!streamed) {
    if (program != NULL)
      check_debug_info(program);
    read_rc = read_capture(&graph, &r, capture, &drawn);
  }
  rc = read_rc;
  if (failed_status && !r.ignore_status)
    fk_cmd_error("%s exited with status %d (through perf); drawn anyway, exit status 1 "
                 "(--ignore-status: 0)",
                 cmd ? cmd[0] : "perf",
                 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  if (drawn == NULL && r.post_process != NULL)
    goto out; /* fold_through said why */
  guint64 samples = 0;
  for (guint i = 0; i < graph.iopts.facts->len; i++)
    samples += g_array_index(graph.iopts.facts, FkInputFacts, i).samples;
  if (drawn != NULL)
    unlink(drawn);
  if (!graph.iopts.quiet) {
    /* Not g_format_size: its no-break space is awkward in a terminal's grep. */
    double kb = (double)size / 1000;
    g_autofree char *text =
        kb < 1000 ? g_strdup_printf("%.1f kB", kb) : g_strdup_printf("%.1f MB", kb / 1000);
    if (r.post_process == NULL)
      fk_cmd_error("%s: %s, %" G_GUINT64_FORMAT " samples", temporary ? "capture" : capture, text,
                   samples);
    else
      fk_cmd_error("%s: %s", temporary ? "capture" : capture, text);
  }
  if (r.post_process == NULL && samples == 0)
    fk_cmd_error("nothing was sampled: at -F %d a program must run for at least a few "
                 "milliseconds of CPU time; profile a longer run or raise -F",
                 r.freq);
  if (rc == FK_EXIT_OK && failed_status && !r.ignore_status)
    rc = FK_EXIT_FAILURE;
  if (rc == FK_EXIT_OK && r.open)
    open_output(graph.g.outputs[0]);
out:
  if (capture != NULL && temporary) {
    if (rc == FK_EXIT_OK || streamed || !g_file_test(capture, G_FILE_TEST_EXISTS) ||
        stat(capture, &st) != 0 || st.st_size == 0)
      unlink(capture);
    else
      fk_cmd_error("the capture is kept for a look: %s", capture);
  }
  record_options_clear(&r);
  fk_graph_clear(&graph);
  return rc;
}
