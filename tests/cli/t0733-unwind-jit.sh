#!/bin/sh
# JIT code in a --call-graph dwarf capture: a loop copied into anonymous
# executable memory and named in /tmp/perf-PID.map (as JITs do), called
# from call_jit <- main, built and recorded here. The walk stops cleanly at
# the JIT frame (no CFI to trust there): the frame is named from the map, the
# line counts the stop. Skips without perf or gcc.
. "$(dirname "$0")/lib.sh"
for tool in perf gcc; do
  if ! command -v $tool >/dev/null 2>&1; then
    skip "$tool is not installed"
    done_testing
    exit 0
  fi
done
mkdir -p "$T/home"
export HOME="$T/home"
cat >"$T/jit.c" <<'CEOF'
/* jit.c -- JIT-like code: a loop copied into anonymous executable memory,
 * named in /tmp/perf-PID.map, called from call_jit <- main. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef void (*fn)(void);

__attribute__((noinline)) static void
call_jit(fn f, int n)
{
  for (int i = 0; i < n; i++)
    f();
}

int
main(int argc, char **argv)
{
  /* mov ecx, 2000000; dec ecx; jnz -4; ret */
  static const unsigned char code[] = {0xb9, 0x80, 0x84, 0x1e, 0x00, 0xff, 0xc9, 0x75, 0xfc, 0xc3};
  unsigned char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED)
    return 1;
  memcpy(m, code, sizeof code);
  char path[64];
  snprintf(path, sizeof path, "/tmp/perf-%d.map", (int)getpid());
  FILE *f = fopen(path, "w");
  fprintf(f, "%lx %zx jitted_loop\n", (unsigned long)m, sizeof code);
  fclose(f);
  printf("%d\n", (int)getpid());
  fflush(stdout);
  call_jit((fn)m, argc > 1 ? 200 : 100);
  return 0;
}
CEOF
gcc -O2 -g -fomit-frame-pointer -o "$T/jit" "$T/jit.c"
if ! perf record -q -e cpu-clock -F 999 --call-graph dwarf,16384 -o "$T/jit.data" "$T/jit" >"$T/pid" 2>/dev/null; then
  skip "perf record failed"
  done_testing
  exit 0
fi
map="/tmp/perf-$(cat "$T/pid").map"
run "$FLAMEKIT" fold --weight samples "$T/jit.data"
rm -f "$map"
is "$rc" 0 "exit 0"
like '^jit;jitted_loop [0-9]+$' "$out" "the JIT frame is named from perf-PID.map and the walk stops there"
like 'stopped early \(([^)]*, )?[0-9]+ at JIT code[,)]' "$err" "the line counts the stops at JIT code"
done_testing
