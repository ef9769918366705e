//! Health, readiness and metrics, as an operator's probes see them.

use hub_tests::{Backend, TestServer};
use reqwest::Method;

hub_tests::on_both_databases!(probes_and_metrics);

async fn probes_and_metrics(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let health = server.call(Method::GET, "/healthz", None, None).await;
    health.expect(200);
    assert_eq!(health.body["status"], "ok");
    server.call(Method::GET, "/readyz", None, None).await.expect(200);
    server
        .call(Method::GET, "/api/v1/auth/me", None, None)
        .await
        .expect(401);

    let metrics = server.metrics().await;
    assert!(
        metrics.contains(r#"hub_http_requests_total{method="GET",route="/api/v1/auth/me",status="401"} 1"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"hub_http_request_duration_seconds_count{method="GET",route="/healthz"} 1"#),
        "{metrics}"
    );

    let resident = hub_tests::metric_value(&metrics, "hub_process_resident_memory_bytes");
    assert!(resident.is_some_and(|bytes| bytes > 1_000_000), "{metrics}");

    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let root = no_redirects.get(server.url("/docs")).send().await.unwrap();
    assert_eq!(root.status(), 301);
    assert_eq!(root.headers()["location"], "/docs/");

    let docs = server.http.get(server.url("/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.unwrap().contains("swagger"), "the API page is served");
    server.stop().await;
}
