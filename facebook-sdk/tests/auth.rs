//! Page tokens from user tokens, `verify()`, and the long-lived exchange.

#[path = "support/common.rs"]
mod common;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use common::*;
use facebook_sdk::graph::TokenType;
use facebook_sdk::testing::FakeGraph;
use facebook_sdk::{Client, FeedPost, TokenProblem};
use social_core::testing::ManualTimer;
use social_core::{Error, ErrorKind, Secret};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn user_client(server: &MockServer, timer: &Arc<ManualTimer>) -> Client {
    Client::builder()
        .page_id(PAGE_ID)
        .user_token(USER_TOKEN)
        .graph_url(server.uri())
        .http_settings(social_core::HttpSettings::default().no_proxy())
        .timer(timer.clone())
        .build()
        .expect("client")
}

#[tokio::test]
async fn page_token_fetched_once_from_user_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(graph_path(PAGE_ID)))
        .and(query_param("fields", "access_token"))
        .and(header(
            "authorization",
            format!("Bearer {USER_TOKEN}").as_str(),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token": PAGE_TOKEN, "id": PAGE_ID})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(graph_path(&format!("{PAGE_ID}/feed"))))
        .and(header("authorization", page_auth().as_str()))
        .respond_with(json_fixture(200, "feed_created.json"))
        .expect(2)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let client = user_client(&server, &timer);

    client
        .publish_post(&FeedPost::text("one"))
        .await
        .expect("first");
    client
        .publish_post(&FeedPost::text("two"))
        .await
        .expect("second, cached token");
}

#[tokio::test]
async fn page_token_found_in_accounts_list() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(graph_path(PAGE_ID)))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": PAGE_ID})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(graph_path("me/accounts")))
        .and(query_param("fields", "id,name,access_token,tasks"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "data": [{"id": "999", "access_token": "other"}],
            "paging": {"cursors": {"after": "C1"}, "next": "https://graph.example/next?access_token=leak"}})))
        .up_to_n_times(1)
        .with_priority(2)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(graph_path("me/accounts")))
        .and(query_param("after", "C1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "data": [{"id": PAGE_ID, "access_token": PAGE_TOKEN, "tasks": ["CREATE_CONTENT"]}]})))
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let token = user_client(&server, &timer)
        .page_token()
        .await
        .expect("found on page two");

    assert_eq!(token.expose(), PAGE_TOKEN);
}

#[tokio::test]
async fn page_without_access_is_auth_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(graph_path(PAGE_ID)))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": PAGE_ID})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(graph_path("me/accounts")))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"data": []})))
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = user_client(&server, &timer)
        .publish_post(&FeedPost::text("x"))
        .await
        .expect_err("no access");

    assert!(matches!(error, Error::Auth(_)), "{error:?}");
    assert!(error.to_string().contains("CREATE_CONTENT"), "{error}");
}

async fn verify_with(
    debug_fixture: &str,
    app_id: Option<&str>,
) -> (facebook_sdk::Verification, MockServer) {
    let server = MockServer::start().await;
    let caller = match app_id {
        Some(_) => "Bearer 5550001|app-secret".to_owned(),
        None => page_auth(),
    };
    Mock::given(method("GET"))
        .and(path(graph_path("debug_token")))
        .and(query_param("input_token", PAGE_TOKEN))
        .and(header("authorization", caller.as_str()))
        .respond_with(json_fixture(200, debug_fixture))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let mut builder = builder(&server, &timer);
    if let Some(id) = app_id {
        builder = builder.app_id(id).app_secret("app-secret");
    }
    let report = builder
        .build()
        .expect("client")
        .verify()
        .await
        .expect("verified");
    (report, server)
}

#[tokio::test]
async fn verify_accepts_long_lived_page_token() {
    let (report, _server) = verify_with("debug_token_page.json", Some("5550001")).await;

    assert!(report.is_ready(), "{report}");
    assert_eq!(
        report.token().and_then(|t| t.token_type.clone()),
        Some(TokenType::Page)
    );
}

#[tokio::test]
async fn verify_names_user_token_missing_scope_and_expiry() {
    let (report, _server) = verify_with("debug_token_user_short.json", None).await;

    let problems = report.problems();
    assert!(
        problems.contains(&TokenProblem::NotPageToken {
            actual: Some(TokenType::User)
        }),
        "{report}"
    );
    assert!(
        problems.contains(&TokenProblem::MissingScope {
            scope: "pages_manage_posts"
        }),
        "{report}"
    );
    assert!(
        problems.contains(&TokenProblem::ShortLived {
            remaining: Duration::from_secs(3_600)
        }),
        "{report}"
    );
    assert!(
        report
            .to_string()
            .contains("user token was given where a Page token is needed")
    );
    assert!(report.to_string().contains("expires in 60 minutes"));
}

#[tokio::test]
async fn verify_reports_invalid_token_reason() {
    let (report, _server) = verify_with("debug_token_invalid.json", Some("5550001")).await;

    assert_eq!(
        report.problems(),
        [TokenProblem::Invalid {
            code: Some(190),
            subcode: Some(460),
            message: Some(
                "The session has been invalidated because the user changed their password."
                    .to_owned()
            ),
        }]
    );
}

#[tokio::test]
async fn verify_against_fake_flags_short_lived_user_token() {
    let fake = FakeGraph::start().await;
    let timer = Arc::new(ManualTimer::new());
    let expires = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000 + 1_800);
    let at = expires
        .duration_since(SystemTime::UNIX_EPOCH)
        .expect("after epoch")
        .as_secs();
    fake.set_token_info("USER", &["pages_show_list"], at);

    let report = fake
        .client_builder()
        .timer(timer)
        .build()
        .expect("client")
        .verify()
        .await
        .expect("report");

    assert!(!report.is_ready());
    assert!(report.problems().contains(&TokenProblem::ShortLived {
        remaining: Duration::from_secs(1_800)
    }));
}

#[tokio::test]
async fn access_token_expired_mid_operation_needs_reauthorization() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(graph_path(PAGE_ID)))
        .respond_with(json_fixture(400, "error_190_463.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = user_client(&server, &timer)
        .page_token()
        .await
        .expect_err("expired user token");

    assert_eq!(error.kind(), ErrorKind::InvalidToken);
    assert!(error.to_string().contains("log in again"), "{error}");
    assert!(timer.sleeps().is_empty(), "no retry, no refresh loop");
}

#[tokio::test]
async fn long_lived_exchange_sets_expiry() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(graph_path("oauth/access_token")))
        .and(query_param("grant_type", "fb_exchange_token"))
        .and(query_param("client_id", "5550001"))
        .and(query_param("client_secret", "app-secret"))
        .and(query_param("fb_exchange_token", "EAAshort"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "EAAlong", "token_type": "bearer", "expires_in": 5_183_944})))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let client = builder(&server, &timer)
        .app_id("5550001")
        .app_secret("app-secret")
        .build()
        .expect("client");

    let tokens = client
        .exchange_long_lived_token(&Secret::new("EAAshort"))
        .await
        .expect("exchanged");

    assert_eq!(tokens.access_token.expose(), "EAAlong");
    assert_eq!(
        tokens.expires_at,
        Some(timer_now() + Duration::from_secs(5_183_944))
    );
    assert!(!format!("{tokens:?}").contains("EAAlong"));
}

#[tokio::test]
async fn huge_expiry_values_no_panic() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(graph_path("debug_token")))
        .and(query_param("input_token", PAGE_TOKEN))
        .and(header("authorization", page_auth().as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            concat!(
                r#"{"data":{"type":"PAGE","is_valid":true,"expires_at":18446744073709551615,"#,
                r#""data_access_expires_at":"18446744073709551615","#,
                r#""scopes":["pages_manage_posts","pages_read_engagement"]}}"#
            ),
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(graph_path("oauth/access_token")))
        .and(query_param("fb_exchange_token", "EAAshort"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"access_token":"EAAlong","token_type":"bearer","expires_in":18446744073709551615}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let client = builder(&server, &timer)
        .app_id("5550001")
        .app_secret("app-secret")
        .build()
        .expect("client");

    let info = client
        .graph()
        .debug_token(&Secret::new(PAGE_TOKEN), &Secret::new(PAGE_TOKEN))
        .await
        .expect("inspected");
    let tokens = client
        .exchange_long_lived_token(&Secret::new("EAAshort"))
        .await
        .expect("exchanged");

    assert!(info.is_valid);
    assert_eq!(info.expires_at, None, "beyond what SystemTime holds");
    assert_eq!(info.data_access_expires_at, None);
    assert_eq!(tokens.access_token.expose(), "EAAlong");
    assert_eq!(tokens.expires_at, None);
}

#[tokio::test]
async fn token_responses_kept_out_of_errors() {
    let leaked = "EAAleakedTokenValue";
    let text = format!("access_token={leaked}&expires=5183944");
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(graph_path("oauth/access_token")))
        .respond_with(ResponseTemplate::new(200).set_body_raw(text.clone(), "text/plain"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(graph_path(PAGE_ID)))
        .and(query_param("fields", "access_token"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(text.clone(), "text/plain"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let page_client = builder(&server, &timer)
        .app_id("5550001")
        .app_secret("app-secret")
        .build()
        .expect("client");

    let exchange = page_client
        .exchange_long_lived_token(&Secret::new("EAAshort"))
        .await
        .expect_err("a text body");
    let fetch = user_client(&server, &timer)
        .page_token()
        .await
        .expect_err("a text body");

    for error in [exchange, fetch] {
        assert!(matches!(error, Error::UnexpectedResponse(_)), "{error:?}");
        assert!(!error.to_string().contains(leaked), "{error}");
        assert!(!format!("{error:?}").contains(leaked), "{error:?}");
    }
}

#[tokio::test]
async fn unsafe_fetched_page_token_rejected() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(graph_path(PAGE_ID)))
        .and(query_param("fields", "access_token"))
        .and(header(
            "authorization",
            format!("Bearer {USER_TOKEN}").as_str(),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token": "EAA page\r\ntoken"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = user_client(&server, &timer)
        .publish_post(&FeedPost::text("hello"))
        .await
        .expect_err("a token no header can carry");

    assert!(matches!(error, Error::Auth(_)), "{error:?}");
    assert!(error.to_string().contains("line breaks"), "{error}");
}

fn timer_now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}
