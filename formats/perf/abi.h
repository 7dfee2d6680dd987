/* abi.h -- the numbers of the perf.data format that the kernel's
 * perf_event.h does not define: perf tool record types, HEADER_* feature ids,
 * callchain context markers, misc bits. Values from linux
 * tools/perf/Documentation/perf.data-file-format.txt and
 * tools/lib/perf/include/perf/event.h. */
#pragma once

#include <glib.h>

#define PD_MAGIC G_GUINT64_CONSTANT(0x32454c4946524550)         /* "PERFILE2" read little-endian */
#define PD_MAGIC_SWAPPED G_GUINT64_CONSTANT(0x50455246494c4532) /* "2ELIFREP" */
#define PD_FILE_HEADER_SIZE 104
#define PD_PIPE_HEADER_SIZE 16
#define PD_ATTR_SIZE_VER0 64

/* Kernel record types (perf_event.h: enum perf_event_type). */
enum {
  PD_RECORD_MMAP = 1,
  PD_RECORD_LOST = 2,
  PD_RECORD_COMM = 3,
  PD_RECORD_EXIT = 4,
  PD_RECORD_THROTTLE = 5,
  PD_RECORD_UNTHROTTLE = 6,
  PD_RECORD_FORK = 7,
  PD_RECORD_READ = 8,
  PD_RECORD_SAMPLE = 9,
  PD_RECORD_MMAP2 = 10,
  PD_RECORD_LOST_SAMPLES = 13,
  /* perf tool records */
  PD_RECORD_HEADER_ATTR = 64,
  PD_RECORD_HEADER_EVENT_TYPE = 65,
  PD_RECORD_HEADER_TRACING_DATA = 66,
  PD_RECORD_HEADER_BUILD_ID = 67,
  PD_RECORD_FINISHED_ROUND = 68,
  PD_RECORD_ID_INDEX = 69,
  PD_RECORD_AUXTRACE_INFO = 70,
  PD_RECORD_AUXTRACE = 71,
  PD_RECORD_EVENT_UPDATE = 78,
  PD_RECORD_HEADER_FEATURE = 80,
  PD_RECORD_COMPRESSED = 81,
  PD_RECORD_FINISHED_INIT = 82,
  PD_RECORD_COMPRESSED2 = 83,
};

/* sample_type bits (perf_event.h: enum perf_event_sample_format). */
enum {
  PD_SAMPLE_IP = 1 << 0,
  PD_SAMPLE_TID = 1 << 1,
  PD_SAMPLE_TIME = 1 << 2,
  PD_SAMPLE_ADDR = 1 << 3,
  PD_SAMPLE_READ = 1 << 4,
  PD_SAMPLE_CALLCHAIN = 1 << 5,
  PD_SAMPLE_ID = 1 << 6,
  PD_SAMPLE_CPU = 1 << 7,
  PD_SAMPLE_PERIOD = 1 << 8,
  PD_SAMPLE_STREAM_ID = 1 << 9,
  PD_SAMPLE_RAW = 1 << 10,
  PD_SAMPLE_BRANCH_STACK = 1 << 11,
  PD_SAMPLE_REGS_USER = 1 << 12,
  PD_SAMPLE_STACK_USER = 1 << 13,
  PD_SAMPLE_IDENTIFIER = 1 << 16,
};

#define PD_BRANCH_HW_INDEX (1u << 17) /* branch_sample_type: a u64 hw_idx after nr */

/* read_format bits */
enum {
  PD_FORMAT_TOTAL_TIME_ENABLED = 1 << 0,
  PD_FORMAT_TOTAL_TIME_RUNNING = 1 << 1,
  PD_FORMAT_ID = 1 << 2,
  PD_FORMAT_GROUP = 1 << 3,
  PD_FORMAT_LOST = 1 << 4,
};

/* Bits of the attr's flags word (the bitfield after read_format). */
#define PD_ATTR_FLAG_EXCLUDE_KERNEL (G_GUINT64_CONSTANT(1) << 5)
#define PD_ATTR_FLAG_FREQ (G_GUINT64_CONSTANT(1) << 10)
#define PD_ATTR_FLAG_SAMPLE_ID_ALL (G_GUINT64_CONSTANT(1) << 18)

/* header.misc */
#define PD_MISC_CPUMODE_MASK 7
enum {
  PD_CPUMODE_UNKNOWN = 0,
  PD_CPUMODE_KERNEL = 1,
  PD_CPUMODE_USER = 2,
  PD_CPUMODE_HYPERVISOR = 3,
  PD_CPUMODE_GUEST_KERNEL = 4,
  PD_CPUMODE_GUEST_USER = 5,
};
#define PD_MISC_COMM_EXEC (1 << 13) /* COMM */
#define PD_MISC_MMAP_DATA (1 << 13) /* MMAP, MMAP2 */
#define PD_MISC_MMAP_BUILD_ID (1 << 14)
#define PD_MISC_BUILD_ID_SIZE (1 << 15) /* HEADER_BUILD_ID entries */

/* Callchain context markers: any entry >= PD_CONTEXT_MAX. */
#define PD_CONTEXT_HV ((guint64)-32)
#define PD_CONTEXT_KERNEL ((guint64)-128)
#define PD_CONTEXT_USER ((guint64)-512)
#define PD_CONTEXT_USER_DEFERRED ((guint64)-640)
#define PD_CONTEXT_GUEST ((guint64)-2048)
#define PD_CONTEXT_GUEST_KERNEL ((guint64)-2176)
#define PD_CONTEXT_GUEST_USER ((guint64)-2560)
#define PD_CONTEXT_MAX ((guint64)-4095)

/* Feature bits (tools/perf/util/header.h: HEADER_*). */
enum {
  PD_FEAT_TRACING_DATA = 1,
  PD_FEAT_BUILD_ID = 2,
  PD_FEAT_HOSTNAME = 3,
  PD_FEAT_OSRELEASE = 4,
  PD_FEAT_VERSION = 5,
  PD_FEAT_ARCH = 6,
  PD_FEAT_NRCPUS = 7,
  PD_FEAT_CPUDESC = 8,
  PD_FEAT_CPUID = 9,
  PD_FEAT_TOTAL_MEM = 10,
  PD_FEAT_CMDLINE = 11,
  PD_FEAT_EVENT_DESC = 12,
  PD_FEAT_CLOCKID = 23,
  PD_FEAT_COMPRESSED = 27,
  PD_FEAT_CLOCK_DATA = 29,
  PD_FEAT_MAX = 256,
};

/* EVENT_UPDATE types */
#define PD_EVENT_UPDATE_NAME 2
