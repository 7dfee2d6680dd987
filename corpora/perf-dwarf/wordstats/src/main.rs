// wordstats -- the tutorial program: count words of a generated text.
// normalize <- word_counts <- main, std only.
use std::collections::HashMap;

#[inline(never)]
fn normalize(word: &str) -> String {
    word.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect()
}

#[inline(never)]
fn word_counts(text: &str) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for word in text.split_whitespace() {
        let w = normalize(word);
        if !w.is_empty() {
            *counts.entry(w).or_insert(0) += 1;
        }
    }
    counts
}

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(3);
    let words = ["The", "quick,", "Brown", "fox!", "jumps", "over", "the", "lazy", "dog."];
    let mut text = String::new();
    for i in 0..200_000 {
        text.push_str(words[i % words.len()]);
        text.push(' ');
    }
    let mut total = 0;
    for _ in 0..rounds {
        let counts = word_counts(&text);
        total += counts.len();
    }
    println!("{}", total);
}
