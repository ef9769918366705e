//! `hub bench reports`: the latency of the moderators' queue (`GET /admin/reports`, what
//! `hub reports list` and the triage screen ask) on whatever queue the server holds, as the
//! signed-in site admin. Read-only: it makes no users and changes nothing.

use std::time::Instant;

use hub_core::client::{Client, PageParams, ReportFilter};
use hub_core::model::{ReportReason, ReportStatus};

use super::histogram::Histogram;
use super::{progress, seconds};
use crate::args::ReportsBenchArgs;
use crate::profiles::signed_in;

/// Runs the workload and prints its figures.
pub async fn run(args: &ReportsBenchArgs) -> anyhow::Result<()> {
    let client = signed_in(args.profile.profile.as_deref()).await?;
    let open = ReportFilter {
        status: Some(ReportStatus::Open),
        ..ReportFilter::default()
    };
    // One request first: a refused token fails here, before any figure is printed.
    client.report_queue(&open, &PageParams::first(1)).await?;
    println!(
        "hub bench reports against {}: {} requests per measurement, pages of {}",
        client.base_url(),
        args.requests,
        args.limit
    );
    let first = first_pages(&client, &open, args, "open queue").await?;
    println!("first page of the open queue: {}", first.summary());
    let spam = ReportFilter {
        reason: Some(ReportReason::Spam),
        ..open.clone()
    };
    let filtered = first_pages(&client, &spam, args, "by reason").await?;
    println!("first page, reason spam:      {}", filtered.summary());

    let walk = Instant::now();
    let mut pages = Histogram::default();
    let mut count = 0usize;
    let mut page = PageParams::first(args.limit);
    let spinner = progress::waiting("walk");
    loop {
        let asked = Instant::now();
        let found = client.report_queue(&open, &page).await?;
        pages.record(asked.elapsed());
        count += found.items.len();
        spinner.set_message(format!("{count} reports"));
        match found.next_cursor {
            Some(cursor) => {
                page = PageParams {
                    limit: Some(args.limit),
                    cursor: Some(cursor),
                }
            }
            None => break,
        }
    }
    spinner.finish_and_clear();
    println!(
        "whole open queue: {count} reports in {} pages, {} s; per page {}",
        pages.count(),
        seconds(walk.elapsed()),
        pages.summary()
    );
    Ok(())
}

async fn first_pages(
    client: &Client,
    filter: &ReportFilter,
    args: &ReportsBenchArgs,
    stage: &str,
) -> anyhow::Result<Histogram> {
    let bar = progress::counting(stage, args.requests as usize);
    let mut latencies = Histogram::default();
    for _ in 0..args.requests {
        let asked = Instant::now();
        client.report_queue(filter, &PageParams::first(args.limit)).await?;
        latencies.record(asked.elapsed());
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(latencies)
}
