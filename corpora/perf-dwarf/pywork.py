# The debug Python interpreter's workload for tests/cli/t0735 (recorded there with
# --call-graph dwarf each run): recursion (fib) and dict, str and sort work
# (words), both through the interpreter's C frames, libc and the PLT.
import sys
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
def words(n):
    d = {}
    for i in range(n):
        k = "w%d" % (i % 997)
        d[k] = d.get(k, 0) + len(k)
    return sorted(d.items(), key=lambda kv: -kv[1])[:3]
def main(reps):
    for _ in range(reps):
        fib(18)
        words(20000)
main(int(sys.argv[1]))
