// rs.rs -- a Rust workload: generics, closures, HashMap, iterators.
use std::collections::HashMap;

#[inline(never)]
fn word_counts(text: &str) -> HashMap<&str, usize> {
    let mut m = HashMap::new();
    for w in text.split_whitespace() {
        *m.entry(w).or_insert(0) += 1;
    }
    m
}

#[inline(never)]
fn fold_with<F: Fn(u64, u64) -> u64>(n: u64, f: F) -> u64 {
    (0..n).fold(7, |a, x| f(a, x))
}

struct Grid {
    cells: Vec<u32>,
}

impl Grid {
    #[inline(never)]
    fn step(&mut self) {
        let n = self.cells.len();
        for i in 0..n {
            self.cells[i] = self.cells[(i + 1) % n].wrapping_mul(31).wrapping_add(self.cells[i]);
        }
    }
}

fn main() {
    let mut text = String::new();
    for i in 0..200000 {
        text.push_str(["alpha ", "beta ", "gamma ", "delta "][i % 4]);
        text.push_str(&format!("w{} ", i % 1000));
    }
    let mut total = 0usize;
    for _ in 0..3 {
        total += word_counts(&text).len();
    }
    let h = fold_with(30_000_000, |a, x| a.rotate_left(5) ^ x.wrapping_mul(0x9e37));
    let mut g = Grid { cells: (0..100000).collect() };
    for _ in 0..60 {
        g.step();
    }
    println!("{} {} {}", total, h, g.cells[7]);
}
