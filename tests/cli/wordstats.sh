# wordstats.sh -- sourced by the record tests: make_wordstats DIR writes the
# record tutorial's wordstats crate (std only, so `cargo build --offline`
# works) into DIR; under_share ROOT FOLDED prints the share (0..1) of the
# weight of stacks holding normalize in which normalize is under word_counts
# under ROOT (a regex for a whole frame name), and that weight.
make_wordstats() {
  mkdir -p "$1/src" "$1/examples" "$1/tests" "$1/benches"
  cat >"$1/Cargo.toml" <<'RS'
[package]
name = "wordstats"
version = "0.1.0"
edition = "2021"

[lib]
path = "src/lib.rs"

[[bin]]
name = "wordstats"
path = "src/main.rs"

[[bench]]
name = "bench"
harness = false
RS
  cat >"$1/src/lib.rs" <<'RS'
//! wordstats: counts the words of a generated text, the workload of
//! flamekit's record tutorial. normalize is the hot function, called from
//! word_counts, called from main: a profiler that unwinds correctly puts
//! nearly every sample in normalize under word_counts under main.
use std::collections::HashMap;

const WORDS: [&str; 12] = [
    "The", "quick,", "Brown", "fox!", "jumps", "OVER", "the", "lazy", "dog.", "Again?", "and", "AGAIN",
];

/// A text of `n` words picked by a fixed pseudo-random sequence.
pub fn make_text(n: usize) -> String {
    let mut text = String::new();
    let mut x: u32 = 1;
    for _ in 0..n {
        x = x.wrapping_mul(1103515245).wrapping_add(12345);
        text.push_str(WORDS[(x >> 16) as usize % WORDS.len()]);
        text.push(' ');
    }
    text
}

/// The word lower-cased without punctuation, as a hash (no allocation, so
/// that the time is spent in this function itself).
#[inline(never)]
pub fn normalize(word: &str) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for c in word.chars() {
        if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                h = (h ^ l as u64).wrapping_mul(0x100000001b3);
            }
        }
    }
    h
}

#[inline(never)]
pub fn word_counts(text: &str) -> HashMap<u64, usize> {
    let mut counts = HashMap::new();
    for w in text.split_whitespace() {
        *counts.entry(normalize(w)).or_insert(0) += 1;
    }
    counts
}

/// Counts the words of the text `rounds` times; the number of distinct words.
#[inline(never)]
pub fn run(rounds: usize) -> usize {
    let text = make_text(20000);
    let mut distinct = 0;
    for _ in 0..rounds {
        distinct = word_counts(&text).len();
    }
    distinct
}

#[cfg(test)]
mod tests {
    #[test]
    fn unit_word_counts() {
        assert_eq!(super::run(crate::rounds_from_env()), 10);
    }
}

/// ROUNDS from the environment (the tests' workload size), else 50.
pub fn rounds_from_env() -> usize {
    std::env::var("ROUNDS").ok().and_then(|s| s.parse().ok()).unwrap_or(50)
}
RS
  cat >"$1/src/main.rs" <<'RS'
fn main() {
    let rounds = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(wordstats::rounds_from_env);
    println!("{} distinct words", wordstats::run(rounds));
}
RS
  cat >"$1/examples/example.rs" <<'RS'
fn main() {
    println!("{} distinct words", wordstats::run(wordstats::rounds_from_env()));
}
RS
  cat >"$1/tests/integration.rs" <<'RS'
#[test]
fn integration_word_counts() {
    assert_eq!(wordstats::run(wordstats::rounds_from_env()), 10);
}
RS
  cat >"$1/benches/bench.rs" <<'RS'
fn main() {
    println!("{} distinct words", wordstats::run(wordstats::rounds_from_env()));
}
RS
}

under_share() {
  awk -v root="^($1)\$" '{
    n = split($0, f, " "); w = f[n]; sub(/ [0-9]+$/, "")
    k = split($0, fr, ";"); at = 0
    for (i = 1; i <= k; i++) if (fr[i] ~ /(^|::)normalize$/) { at = i; break }
    if (!at) next
    all += w; wc = 0
    for (i = at - 1; i >= 1; i--) if (fr[i] ~ /(^|::)word_counts$/) { wc = i; break }
    if (wc) for (i = wc - 1; i >= 1; i--) if (fr[i] ~ root) { good += w; break }
  } END { printf "%.4f %d\n", (all ? good / all : 0), all }' "$2"
}
