/* demangle.h -- C++ and Rust symbol names as perf script prints them. */
#pragma once

#include <glib.h>

/* The display form of the raw symbol name RAW: the ELF version suffix
 * (`@@GLIBC_2.2.5`, `@GLIBC_2.2.5`) cut off, then demangled through libiberty
 * (Itanium C++, Rust legacy and v0) when DEMANGLE is set. PARAMS keeps
 * parameter lists (`f(int)`); without it the name is what `perf script`
 * prints by default (`std::vector<int>::push_back`). Never NULL; free it. */
char *fk_demangle(const char *raw, gboolean demangle, gboolean params);
