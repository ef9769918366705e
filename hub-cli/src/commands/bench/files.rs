//! `hub bench files`: upload and download throughput. Concurrent users upload files of one size
//! (streamed, multipart, as a front end sends them), then download them back; prints MiB/s and
//! per-file latency for each direction, and checks every download against what was sent.

use std::time::Instant;

use anyhow::{Context as _, bail, ensure};
use futures_util::{StreamExt as _, TryStreamExt as _, stream};
use reqwest::multipart::{Form, Part};

use super::accounts::{self, BenchUser};
use super::histogram::Histogram;
use super::room::per_second;
use super::server::{Run, Server};
use super::{print_header, progress, seconds};
use crate::args::FilesBenchArgs;

const MIB: f64 = 1024.0 * 1024.0;

/// The bytes of file `number`: a PNG signature (an allowed type), then varied bytes.
fn file_bytes(number: u64, size: usize) -> Vec<u8> {
    let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    let mut state = number.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    while bytes.len() < size {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    bytes.truncate(size);
    bytes
}

/// Runs the workload and prints its figures.
pub async fn run(args: &FilesBenchArgs) -> anyhow::Result<()> {
    let server = Server::reach(&args.server).await?;
    let run = Run::random();
    let users = accounts::register(&server, &run, "f", args.concurrency as usize).await?;
    let size = usize::try_from(args.size_kib)
        .unwrap_or(usize::MAX)
        .saturating_mul(1024);
    let count = u64::from(args.files);
    let http = reqwest::Client::new();

    let bar = progress::counting("upload", count as usize);
    let started = Instant::now();
    let uploads: Vec<(String, u64, std::time::Duration)> = stream::iter(0..count)
        .map(|number| {
            let user = &users[number as usize % users.len()];
            let (http, server, bar) = (&http, &server, &bar);
            async move {
                let sent = Instant::now();
                let id = upload(http, server, user, file_bytes(number, size)).await?;
                bar.inc(1);
                Ok::<_, anyhow::Error>((id, number, sent.elapsed()))
            }
        })
        .buffer_unordered(args.concurrency as usize)
        .try_collect()
        .await?;
    let upload_time = started.elapsed();
    bar.finish_and_clear();

    let bar = progress::counting("download", uploads.len());
    let started = Instant::now();
    let downloads: Vec<std::time::Duration> = stream::iter(uploads.iter())
        .map(|(id, number, _)| {
            let user = &users[*number as usize % users.len()];
            let (http, server, bar) = (&http, &server, &bar);
            async move {
                let sent = Instant::now();
                let url = server.url(&format!("/api/v1/files/{id}/download"));
                let response = http.get(url).bearer_auth(&user.token).send().await?;
                ensure!(
                    response.status().is_success(),
                    "download answered HTTP {}",
                    response.status()
                );
                let body = response.bytes().await?;
                ensure!(
                    body.as_ref() == file_bytes(*number, size).as_slice(),
                    "file {id} came back different"
                );
                bar.inc(1);
                Ok::<_, anyhow::Error>(sent.elapsed())
            }
        })
        .buffer_unordered(args.concurrency as usize)
        .try_collect()
        .await?;
    let download_time = started.elapsed();
    bar.finish_and_clear();

    let mut up = Histogram::default();
    uploads.iter().for_each(|(_, _, took)| up.record(*took));
    let mut down = Histogram::default();
    downloads.iter().for_each(|took| down.record(*took));
    let total_mib = (size as f64 * count as f64) / MIB;
    print_header(
        "files",
        &server,
        &run,
        &[
            format!("{count} files of {} KiB", args.size_kib),
            format!("{} at a time", args.concurrency),
        ],
    );
    for (label, time, latency) in [("upload", upload_time, &up), ("download", download_time, &down)] {
        println!(
            "{label:<9}       {:.1} MiB/s  ({:.0} files/s, {total_mib:.0} MiB in {} s)",
            total_mib / time.as_secs_f64().max(f64::EPSILON),
            per_second(count, time),
            seconds(time)
        );
        println!("  per file:      {}", latency.summary());
    }
    Ok(())
}

async fn upload(http: &reqwest::Client, server: &Server, user: &BenchUser, bytes: Vec<u8>) -> anyhow::Result<String> {
    let form = Form::new().part("file", Part::bytes(bytes).file_name("bench.png"));
    let response = http
        .post(server.url("/api/v1/files"))
        .bearer_auth(&user.token)
        .multipart(form)
        .send()
        .await
        .context("cannot upload")?;
    let status = response.status();
    let body: serde_json::Value = response.json().await.context("the upload's answer is not JSON")?;
    if !status.is_success() {
        bail!("upload answered HTTP {status}: {}", body["error"]["message"]);
    }
    body["id"]
        .as_str()
        .map(str::to_owned)
        .context("the upload's answer has no id")
}
