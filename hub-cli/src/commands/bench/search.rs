//! `hub bench search`: concurrent searchers over a seeded corpus. The channels
//! (`bench-search-N`) are kept between runs and topped up like history's; their messages draw
//! words from a fixed made-up vocabulary with a skewed (Zipf-like) spread, so the queries
//! range from a word in most messages to one in a few.

use anyhow::Context as _;

use super::accounts;
use super::history::{bench_channel, read_concurrently, seed};
use super::room::per_second;
use super::server::{Run, Server};
use super::{print_header, seconds};
use crate::args::SearchBenchArgs;

/// Words in the made-up vocabulary.
const VOCABULARY: u64 = 5000;
/// Words in one seeded message after its `seed <n>` prefix.
const WORDS_PER_MESSAGE: u64 = 12;
const SYLLABLES: [&str; 20] = [
    "ka", "lo", "mi", "ne", "ru", "ta", "vo", "zi", "pe", "su", "do", "fa", "gi", "ho", "ju", "be", "co", "ly", "wa",
    "xe",
];

/// Word number `index` of the vocabulary: two to four syllables, distinct for every index.
fn word(index: u64) -> String {
    let base = SYLLABLES.len() as u64;
    let mut text = String::new();
    let mut rest = index + base; // at least two syllables
    while rest > 0 {
        text.push_str(SYLLABLES[(rest % base) as usize]);
        rest /= base;
    }
    text
}

/// A well-mixed 64-bit hash (splitmix64), so message texts are fixed but look random.
fn mix(mut value: u64) -> u64 {
    value = value.wrapping_add(0x9E37_79B9_7F4A_7C15);
    value = (value ^ (value >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    value = (value ^ (value >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    value ^ (value >> 31)
}

/// A skewed pick from the vocabulary: low indexes are far more common (the product of two
/// uniform picks, scaled back).
fn skewed(hash: u64) -> u64 {
    let first = hash % VOCABULARY;
    let second = (hash >> 32) % VOCABULARY;
    first * second / VOCABULARY
}

/// The text of seeded message `number`: `seed <n>` and words from the vocabulary.
fn search_content(number: u64) -> String {
    let mut text = format!("seed {number}");
    for position in 0..WORDS_PER_MESSAGE {
        text.push(' ');
        text.push_str(&word(skewed(mix(number * WORDS_PER_MESSAGE + position))));
    }
    text
}

/// The queries every searcher cycles through: common, middling and rare words, two words,
/// a prefix and a phrase.
fn queries() -> Vec<String> {
    let common = word(0);
    vec![
        common.clone(),
        word(300),
        word(3000),
        format!("{common} {}", word(40)),
        format!("{}*", &word(25)[..3]),
        format!("\"{} {}\"", word(1), word(2)),
        format!("{} OR {}", word(500), word(900)),
    ]
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte.is_ascii_alphanumeric() {
            true => char::from(byte).to_string(),
            false => format!("%{byte:02X}"),
        })
        .collect()
}

/// Runs the workload and prints its figures.
pub async fn run(args: &SearchBenchArgs) -> anyhow::Result<()> {
    let server = Server::reach(&args.server).await?;
    let run = Run::random();
    let channel_count = args.channels as usize;
    let users = accounts::register(&server, &run, "s", channel_count).await?;
    let per_channel = u64::from(args.messages).div_ceil(u64::from(args.channels));
    let mut channels = Vec::with_capacity(channel_count);
    for (index, user) in users.iter().enumerate() {
        channels.push(bench_channel(user, &format!("bench-search-{index}"), "hub bench search").await?);
    }
    let seeded = seed(&server, &users, &channels, per_channel, search_content).await?;

    let queries = match &args.query {
        Some(query) => vec![query.clone()],
        None => queries(),
    };
    // Every query must work before it is timed: a 422 here is a bench bug, not a figure.
    let probe = reqwest::Client::new();
    for query in &queries {
        let url = server.url(&format!("/api/v1/search/messages?q={}&limit=1", encode(query)));
        let status = probe
            .get(&url)
            .bearer_auth(&users[0].token)
            .send()
            .await
            .with_context(|| format!("cannot search for {query}"))?
            .status();
        anyhow::ensure!(status.is_success(), "searching for {query} answered HTTP {status}");
    }
    let readers = (0..args.searchers as usize)
        .map(|index| {
            let urls = (0..queries.len())
                .map(|offset| {
                    let query = &queries[(index + offset) % queries.len()];
                    server.url(&format!(
                        "/api/v1/search/messages?q={}&limit={}",
                        encode(query),
                        args.limit
                    ))
                })
                .collect();
            (urls, users[index % users.len()].token.clone())
        })
        .collect();
    let (totals, elapsed) = read_concurrently(readers, args.duration).await?;

    print_header(
        "search",
        &server,
        &run,
        &[
            format!(
                "{} messages over {} channels",
                per_channel * channel_count as u64,
                args.channels
            ),
            format!("{} searchers", args.searchers),
            format!("limit={}", args.limit),
            format!("{} s", seconds(args.duration)),
        ],
    );
    if seeded > 0 {
        println!("seeded:         {seeded} messages before searching");
    }
    println!("queries:        {}", queries.join(" | "));
    println!(
        "searches:       {:.0} searches/s  ({} in {} s)",
        per_second(totals.latency.count(), elapsed),
        totals.latency.count(),
        seconds(elapsed)
    );
    println!("latency:        {}", totals.latency.summary());
    totals.print_failures();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_distinct_and_texts_fixed() {
        let words: std::collections::BTreeSet<String> = (0..VOCABULARY).map(word).collect();
        assert_eq!(words.len() as u64, VOCABULARY);
        assert_eq!(search_content(7), search_content(7));
        assert!(search_content(7).starts_with("seed 7 "));
        assert_eq!(search_content(7).split(' ').count() as u64, 2 + WORDS_PER_MESSAGE);
    }

    #[test]
    fn the_spread_is_skewed_towards_the_first_words() {
        let picks: Vec<u64> = (0..10_000).map(|n| skewed(mix(n))).collect();
        let low = picks.iter().filter(|&&index| index < VOCABULARY / 10).count();
        let high = picks.iter().filter(|&&index| index >= VOCABULARY * 9 / 10).count();
        assert!(low > high * 5, "low {low}, high {high}");
    }
}
