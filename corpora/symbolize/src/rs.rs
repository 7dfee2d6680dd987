// rs.rs -- Rust with generics, closures and iterators (symbolizer tests);
// built twice: v0 and legacy symbol mangling.
use std::collections::HashMap;

#[inline(never)]
fn word_counts(text: &str) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for w in text.split_whitespace() {
        *m.entry(w.to_lowercase()).or_insert(0) += 1;
    }
    m
}

struct Grid<T> {
    cells: Vec<T>,
}

impl<T: Copy + std::ops::Add<Output = T> + Default> Grid<T> {
    #[inline(never)]
    fn sum_with<F: Fn(T) -> T>(&self, f: F) -> T {
        self.cells.iter().fold(T::default(), |a, &c| a + f(c))
    }
}

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(2000);
    let text = "the quick brown fox jumps over the lazy dog ".repeat(n);
    let counts = word_counts(&text);
    let g = Grid { cells: (0..n as u64).collect::<Vec<_>>() };
    let s = g.sum_with(|x| x * 3 + 1);
    let f = Grid { cells: (0..n).map(|x| x as f64).collect::<Vec<_>>() };
    let t = f.sum_with(|x| x.sqrt());
    println!("{} {} {}", counts.len(), s, t);
}
