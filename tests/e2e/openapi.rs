//! The OpenAPI document and the routes the server really serves cannot drift apart.

use std::collections::BTreeSet;

use hub_tests::{Backend, TestServer};
use reqwest::Method;

hub_tests::on_both_databases!(openapi_lists_exactly_the_served_routes);

async fn openapi_lists_exactly_the_served_routes(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let reply = server.call(Method::GET, "/api/v1/openapi.json", None, None).await;
    reply.expect(200);
    let mut documented = BTreeSet::new();
    for (path, item) in reply.body["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            documented.insert((method.to_uppercase(), path.clone()));
        }
    }

    // The route table, with `{*rest}` spelled as OpenAPI spells a parameter.
    let router = hub_server::router::Router::new(hub_server::handlers::routes());
    let served: BTreeSet<(String, String)> = router
        .routes()
        .map(|route| (route.method.to_string(), route.path.replace("{*", "{")))
        .collect();
    assert_eq!(documented, served, "the OpenAPI paths and the route table differ");

    // And every documented operation really answers on the running server (not a routing miss).
    for (method, path) in &documented {
        let concrete = path
            .replace("{id}", "00000000-0000-0000-0000-000000000000")
            .replace("{file}", "x");
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let reply = server.call(method.clone(), &concrete, None, None).await;
        assert!(
            !matches!(reply.code(), "route_not_found" | "method_not_allowed"),
            "{method} {concrete} is documented but not served: {}",
            reply.body
        );
        assert_ne!(reply.status.as_u16(), 500, "{method} {concrete}: {}", reply.body);
    }
    server.stop().await;
}
