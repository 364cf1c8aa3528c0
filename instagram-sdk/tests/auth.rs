//! Both logins: finding the Instagram user id, account eligibility, the
//! Instagram Login token exchanges and refresh, and secrets kept out of
//! every printed value.

#[path = "support/common.rs"]
mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use instagram_sdk::{
    Client, Image, ImagePost, InstagramAuth, InstagramRefresh, LongLivedToken, MIN_REFRESH_AGE,
};
use social_core::testing::ManualTimer;
use social_core::{Error, ErrorKind, HttpSettings, RefreshingTokenProvider, Timer, TokenSet};
use wiremock::matchers::{body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const APP_ID: &str = "5550002";
const APP_SECRET: &str = "test-app-secret";

fn auth(server: &MockServer, timer: &Arc<ManualTimer>) -> InstagramAuth {
    InstagramAuth::builder()
        .app_id(APP_ID)
        .app_secret(APP_SECRET)
        .graph_url(server.uri())
        .oauth_url(format!("{}/oauth/", server.uri()))
        .http_settings(HttpSettings::default().no_proxy())
        .timer(timer.clone())
        .build()
        .expect("auth client")
}

/// Returns an Instagram Login client that looks its account up.
fn lookup_client(server: &MockServer, timer: &Arc<ManualTimer>) -> Client {
    Client::instagram_login()
        .access_token(TOKEN)
        .graph_url(server.uri())
        .http_settings(HttpSettings::default().no_proxy())
        .timer(timer.clone())
        .build()
        .expect("client")
}

async fn mount_me(server: &MockServer, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(graph_path("me")))
        .and(query_param("fields", "user_id,username,account_type"))
        .and(header("authorization", bearer().as_str()))
        .respond_with(response)
        .expect(1)
        .mount(server)
        .await;
}

async fn mount_code_exchange(server: &MockServer, response: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path("/oauth/oauth/access_token"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string_contains("client_id=5550002"))
        .and(body_string_contains("client_secret=test-app-secret"))
        .and(body_string_contains("grant_type=authorization_code"))
        .and(body_string_contains(
            "redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback",
        ))
        .and(body_string_contains("code=login-code"))
        .respond_with(response)
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn numeric_user_id_from_exchange_matches_me() {
    let server = MockServer::start().await;
    mount_code_exchange(&server, json_fixture(200, "code_exchange_flat.json")).await;
    mount_me(&server, json_fixture(200, "me_business.json")).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let token = auth(&server, &timer)
        .exchange_code("login-code", "https://app.example.com/callback")
        .await
        .expect("exchanged");
    let account = lookup_client(&server, &timer)
        .account()
        .await
        .expect("account");

    assert_eq!(token.user_id, account.ig_user_id);
    assert_eq!(format!("{}", token.user_id), "17841400000000001");
    assert_eq!(format!("{}", account.ig_user_id), "17841400000000001");
    assert_eq!(token.access_token.expose(), "IGAAexchangedShortToken");
    assert_eq!(account.account_type.as_deref(), Some("BUSINESS"));
}

#[tokio::test]
async fn wrapped_code_exchange_accepted() {
    let server = MockServer::start().await;
    mount_code_exchange(&server, json_fixture(200, "code_exchange_wrapped.json")).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let token = auth(&server, &timer)
        .exchange_code("login-code", "https://app.example.com/callback")
        .await
        .expect("exchanged");

    assert_eq!(token.user_id, "17841400000000001");
    assert_eq!(
        token.permissions,
        [
            "instagram_business_basic",
            "instagram_business_content_publish"
        ]
    );
}

#[tokio::test]
async fn rejected_code_needs_reauthorization() {
    let server = MockServer::start().await;
    mount_code_exchange(&server, json_fixture(400, "oauth_error_flat.json")).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = auth(&server, &timer)
        .exchange_code("login-code", "https://app.example.com/callback")
        .await
        .expect_err("bad code");

    let Error::Auth(inner) = &error else {
        panic!("expected an auth error, got {error:?}");
    };
    assert!(inner.requires_reauthorization());
    assert!(
        error.to_string().contains("Instagram Login again"),
        "{error}"
    );
    assert!(timer.sleeps().is_empty(), "no retry loop");
}

#[tokio::test]
async fn long_lived_exchange_sets_expiry() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/access_token"))
        .and(query_param("grant_type", "ig_exchange_token"))
        .and(query_param("client_secret", APP_SECRET))
        .and(query_param("access_token", "IGAAshort"))
        .respond_with(json_fixture(200, "long_lived.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let token = auth(&server, &timer)
        .exchange_long_lived(&"IGAAshort".into())
        .await
        .expect("exchanged");

    assert_eq!(token.access_token.expose(), "IGAAlongLivedToken");
    assert_eq!(token.issued_at, timer.now());
    assert_eq!(
        token.expires_at,
        Some(timer.now() + Duration::from_secs(5_184_000))
    );
}

#[tokio::test]
async fn huge_expires_in_no_panic() {
    let server = MockServer::start().await;
    let huge = ResponseTemplate::new(200).set_body_raw(
        r#"{"access_token":"IGAAlongLivedToken","token_type":"bearer","expires_in":18446744073709551615}"#,
        "application/json",
    );
    Mock::given(method("GET"))
        .and(path("/access_token"))
        .and(query_param("access_token", "IGAAshort"))
        .respond_with(huge.clone())
        .expect(1)
        .mount(&server)
        .await;
    mount_refresh(&server, "IGAAlongLivedToken", huge, 1).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let auth = auth(&server, &timer);

    let exchanged = auth
        .exchange_long_lived(&"IGAAshort".into())
        .await
        .expect("exchanged");
    let old = LongLivedToken::new("IGAAlongLivedToken", timer.now() - MIN_REFRESH_AGE);
    let refreshed = auth.refresh(&old).await.expect("refreshed");

    assert_eq!(exchanged.expires_at, None, "beyond what SystemTime holds");
    assert_eq!(refreshed.expires_at, None);
    assert_eq!(refreshed.access_token.expose(), "IGAAlongLivedToken");
}

#[tokio::test]
async fn token_responses_kept_out_of_errors() {
    let leaked = "IGAAleakedTokenValue";
    let text = format!("access_token={leaked}&user_id=17841400000000001");
    let server = MockServer::start().await;
    mount_code_exchange(
        &server,
        ResponseTemplate::new(200).set_body_raw(text.clone(), "text/plain"),
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/access_token"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(text.clone(), "text/plain"))
        .expect(1)
        .mount(&server)
        .await;
    mount_refresh(
        &server,
        "IGAAlongLivedToken",
        ResponseTemplate::new(502).set_body_raw(text.clone(), "text/plain"),
        1,
    )
    .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let auth = InstagramAuth::builder()
        .app_id(APP_ID)
        .app_secret(APP_SECRET)
        .graph_url(server.uri())
        .oauth_url(format!("{}/oauth/", server.uri()))
        .http_settings(HttpSettings::default().no_proxy())
        .retry_policy(social_core::RetryPolicy::never())
        .timer(timer.clone())
        .build()
        .expect("auth client");
    let old = LongLivedToken::new("IGAAlongLivedToken", timer.now() - MIN_REFRESH_AGE);

    let code = auth
        .exchange_code("login-code", "https://app.example.com/callback")
        .await
        .expect_err("a text body");
    let exchange = auth
        .exchange_long_lived(&"IGAAshort".into())
        .await
        .expect_err("a text body");
    let refresh = auth.refresh(&old).await.expect_err("a text body");

    for error in [code, exchange, refresh] {
        assert!(matches!(error, Error::UnexpectedResponse(_)), "{error:?}");
        assert!(!error.to_string().contains(leaked), "{error}");
        assert!(!format!("{error:?}").contains(leaked), "{error:?}");
    }
}

async fn mount_refresh(server: &MockServer, token: &str, response: ResponseTemplate, times: u64) {
    Mock::given(method("GET"))
        .and(path("/refresh_access_token"))
        .and(query_param("grant_type", "ig_refresh_token"))
        .and(query_param("access_token", token))
        .respond_with(response)
        .expect(times)
        .mount(server)
        .await;
}

#[tokio::test]
async fn young_token_refresh_rejected_before_request() {
    let server = MockServer::start().await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let token = LongLivedToken::new(
        "IGAAlongLivedToken",
        timer.now() - Duration::from_secs(3600),
    );

    let error = auth(&server, &timer)
        .refresh(&token)
        .await
        .expect_err("too young");

    assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
    assert!(error.to_string().contains("24 hours"), "{error}");
    assert!(!error.to_string().contains("IGAAlongLivedToken"));
}

#[tokio::test]
async fn day_old_token_refreshed() {
    let server = MockServer::start().await;
    mount_refresh(
        &server,
        "IGAAlongLivedToken",
        json_fixture(200, "long_lived.json"),
        1,
    )
    .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let token = LongLivedToken::new("IGAAlongLivedToken", timer.now() - MIN_REFRESH_AGE);

    let fresh = auth(&server, &timer)
        .refresh(&token)
        .await
        .expect("refreshed");

    assert_eq!(fresh.issued_at, timer.now());
    assert!(fresh.expires_at.is_some());
}

#[tokio::test]
async fn rejected_refresh_token_needs_reauthorization() {
    let server = MockServer::start().await;
    mount_refresh(
        &server,
        "IGAAlongLivedToken",
        json_fixture(400, "error_190_463.json"),
        1,
    )
    .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let token = LongLivedToken::new("IGAAlongLivedToken", timer.now() - 2 * MIN_REFRESH_AGE);

    let error = auth(&server, &timer)
        .refresh(&token)
        .await
        .expect_err("expired");

    let Error::Auth(inner) = &error else {
        panic!("expected an auth error, got {error:?}");
    };
    assert!(inner.requires_reauthorization());
    assert!(timer.sleeps().is_empty());
}

#[tokio::test]
async fn token_expired_mid_operation_refreshed_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(graph_path("me")))
        .and(header("authorization", "Bearer IGAAoldToken"))
        .respond_with(json_fixture(400, "error_190_463.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(graph_path("me")))
        .and(header("authorization", "Bearer IGAAlongLivedToken"))
        .respond_with(json_fixture(200, "me_business.json"))
        .expect(1)
        .mount(&server)
        .await;
    mount_refresh(
        &server,
        "IGAAoldToken",
        json_fixture(200, "long_lived.json"),
        1,
    )
    .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let saved: Arc<Mutex<Vec<TokenSet>>> = Arc::default();
    let sink = saved.clone();
    let old = LongLivedToken::new("IGAAoldToken", timer.now() - 2 * MIN_REFRESH_AGE);
    let provider = RefreshingTokenProvider::new(
        InstagramRefresh::new(auth(&server, &timer)),
        old.to_token_set(),
    )
    .with_timer(timer.clone())
    .on_refresh(move |set| sink.lock().expect("lock").push(set.clone()));
    let client = Client::instagram_login()
        .token_provider(Arc::new(provider))
        .graph_url(server.uri())
        .http_settings(HttpSettings::default().no_proxy())
        .timer(timer.clone())
        .build()
        .expect("client");

    let account = client.account().await.expect("after one refresh");

    assert_eq!(account.ig_user_id, IG_USER_ID);
    let saved = saved.lock().expect("lock");
    assert_eq!(saved.len(), 1, "the app is handed the new token once");
    assert_eq!(saved[0].access_token.expose(), "IGAAlongLivedToken");
}

#[tokio::test]
async fn token_expired_without_refresh_path_is_auth_error() {
    let server = MockServer::start().await;
    mount_me(&server, json_fixture(400, "error_190_463.json")).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = lookup_client(&server, &timer)
        .account()
        .await
        .expect_err("expired");

    assert!(matches!(error, Error::Auth(_)), "{error:?}");
    assert!(error.to_string().contains("new access token"), "{error}");
}

#[tokio::test]
async fn personal_account_not_eligible() {
    let server = MockServer::start().await;
    mount_me(&server, json_fixture(200, "me_personal.json")).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = lookup_client(&server, &timer)
        .account()
        .await
        .expect_err("personal");

    assert_eq!(error.kind(), ErrorKind::AccountNotEligible);
    assert!(error.to_string().contains("PERSONAL"), "{error}");
    assert!(error.to_string().contains("Business or Creator"), "{error}");
}

#[tokio::test]
async fn wrapped_creator_account_accepted() {
    let server = MockServer::start().await;
    mount_me(&server, json_fixture(200, "me_wrapped_creator.json")).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let account = lookup_client(&server, &timer)
        .account()
        .await
        .expect("creator");

    assert_eq!(account.ig_user_id, "17841400000000001");
    assert_ne!(
        account.ig_user_id, "27710000000000042",
        "never the app-scoped id"
    );
    assert_eq!(account.account_type.as_deref(), Some("MEDIA_CREATOR"));
    assert_eq!(account.username.as_deref(), Some("example.creator"));
}

fn facebook_client(server: &MockServer, timer: &Arc<ManualTimer>) -> Client {
    Client::facebook_login()
        .page_id(PAGE_ID)
        .access_token(PAGE_TOKEN)
        .graph_url(server.uri())
        .http_settings(HttpSettings::default().no_proxy())
        .poll_settings(polling())
        .read_back(false)
        .timer(timer.clone())
        .build()
        .expect("client")
}

async fn mount_page(server: &MockServer, fixture_name: &str) {
    Mock::given(method("GET"))
        .and(path(graph_path(PAGE_ID)))
        .and(query_param("fields", "instagram_business_account"))
        .and(header(
            "authorization",
            format!("Bearer {PAGE_TOKEN}").as_str(),
        ))
        .respond_with(json_fixture(200, fixture_name))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn page_without_linked_account_not_eligible() {
    let server = MockServer::start().await;
    mount_page(&server, "page_unlinked.json").await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = facebook_client(&server, &timer)
        .publish_image(&ImagePost::new(
            Image::url("https://cdn.example.com/a.jpg").expect("url"),
        ))
        .await
        .expect_err("no linked account");

    assert_eq!(error.kind(), ErrorKind::AccountNotEligible);
    assert!(error.to_string().contains("professional"), "{error}");
    assert!(error.to_string().contains("linked to this Page"), "{error}");
}

#[tokio::test]
async fn linked_account_used_for_publishing() {
    let server = MockServer::start().await;
    mount_page(&server, "page_linked.json").await;
    let page_bearer = format!("Bearer {PAGE_TOKEN}");
    Mock::given(method("POST"))
        .and(path(graph_path(&format!("{IG_USER_ID}/media"))))
        .and(header("authorization", page_bearer.as_str()))
        .respond_with(json_fixture(200, "container_created.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(graph_path(CONTAINER_ID)))
        .and(header("authorization", page_bearer.as_str()))
        .respond_with(json_fixture(200, "status_finished.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(graph_path(&format!("{IG_USER_ID}/media_publish"))))
        .and(header("authorization", page_bearer.as_str()))
        .respond_with(json_fixture(200, "publish_ok.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let client = facebook_client(&server, &timer);
    let post = ImagePost::new(Image::url("https://cdn.example.com/a.jpg").expect("url"));

    let published = client.publish_image(&post).await.expect("published");
    let id = client.ig_user_id().await.expect("kept");

    assert_eq!(published.media_id.as_deref(), Some(MEDIA_ID));
    assert_eq!(id, IG_USER_ID, "looked up once and kept");
}

#[test]
fn builder_rejects_bad_settings() {
    let cases: Vec<(instagram_sdk::ClientBuilder, &str)> = vec![
        (Client::instagram_login(), "access_token"),
        (Client::instagram_login().access_token("  "), "access_token"),
        (Client::facebook_login().access_token("EAA"), "page_id"),
        (
            Client::facebook_login()
                .access_token("EAA")
                .page_id("my-page"),
            "page_id",
        ),
        (
            Client::instagram_login().access_token("IGAA").page_id("1"),
            "page_id",
        ),
        (
            Client::instagram_login()
                .access_token("IGAA")
                .ig_user_id("@me"),
            "ig_user_id",
        ),
        (
            Client::instagram_login()
                .access_token("IGAA")
                .graph_url("http://graph.example.com"),
            "graph_url",
        ),
        (
            Client::instagram_login()
                .access_token("IGAA")
                .api_version("26"),
            "api_version",
        ),
    ];
    for (builder, field) in cases {
        let error = builder.build().expect_err(field);

        let Error::InvalidInput(inner) = &error else {
            panic!("expected InvalidInput for {field}, got {error:?}");
        };
        assert_eq!(inner.field(), field, "{error}");
    }
}

#[tokio::test]
async fn secrets_never_printed() {
    let server = MockServer::start().await;
    let echo = r#"{"error":{"message":"Invalid parameter access_token=IGAAsecretValue","type":"OAuthException","code":100,"fbtrace_id":"T"}}"#;
    mount_me(
        &server,
        ResponseTemplate::new(400).set_body_raw(echo, "application/json"),
    )
    .await;
    let timer = Arc::new(ManualTimer::new());
    let builder = Client::instagram_login()
        .access_token("IGAAsecretValue")
        .app_secret("app-secret-value")
        .graph_url(server.uri())
        .http_settings(HttpSettings::default().no_proxy())
        .timer(timer.clone());
    let client = Client::instagram_login()
        .access_token(TOKEN)
        .app_secret("app-secret-value")
        .graph_url(server.uri())
        .http_settings(HttpSettings::default().no_proxy())
        .timer(timer.clone())
        .build()
        .expect("client");
    let error = client.account().await.expect_err("error body");
    let auth_client = auth(&server, &timer);
    let long = LongLivedToken::new("IGAAsecretValue", timer.now());

    let printed = [
        format!("{builder:?}"),
        format!("{:?}", builder.clone().build().expect("client")),
        format!("{client:?}"),
        format!("{auth_client:?}"),
        format!("{:?}", InstagramAuth::builder().app_secret(APP_SECRET)),
        format!("{long:?}"),
        format!("{:?}", long.to_token_set()),
        format!("{error}"),
        format!("{error:?}"),
    ];

    for text in printed {
        assert!(!text.contains("IGAAsecretValue"), "{text}");
        assert!(!text.contains("app-secret-value"), "{text}");
        assert!(!text.contains(APP_SECRET), "{text}");
        assert!(!text.contains(TOKEN), "{text}");
    }
}
