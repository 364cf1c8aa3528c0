//! Hostile answers and inputs: each must give a typed error, never a panic,
//! a spinning loop, a request to a wrong path or a second post.

mod support;

use std::sync::Arc;
use std::time::Duration;

use social_core::testing::{ManualTimer, RawAction, RawServer};
use social_core::{Delivery, Error, ErrorKind, HttpSettings, PollSettings, TokenSet};
use support::{builder, catch_all, client, credentials, fixture_json};
use twitter_sdk::{Client, MediaUpload, NewPost, OAuth2App};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn asset(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../assets/media")
        .join(name)
}

#[tokio::test]
async fn huge_reset_header_does_not_panic() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/2/users/me"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-rate-limit-reset", "18446744073709551615")
                .set_body_json(fixture_json("users_me_200.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server);

    let me = client.me().await.expect("usable answer");

    assert_eq!(me.username, "XDevelopers");
    assert_eq!(client.rate_limits()[0].reset_at(), None);
}

#[tokio::test]
async fn rate_limit_code_on_500_not_reposted() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/tweets"))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(fixture_json("rate_limited_v1_429.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let (client, timer) = client(&server);

    let err = client
        .create_post(&NewPost::new("once"))
        .await
        .expect_err("500");

    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.delivery(), Some(Delivery::Unknown));
    assert!(timer.sleeps().is_empty());
}

#[tokio::test]
async fn stray_error_key_beside_data_is_success() {
    let server = MockServer::start().await;
    let mut body = fixture_json("create_post_201.json");
    body["error"] = serde_json::json!("notice");
    Mock::given(method("POST"))
        .and(path("/2/tweets"))
        .respond_with(ResponseTemplate::new(201).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server);

    let post = client
        .create_post(&NewPost::new("hi"))
        .await
        .expect("created");

    assert_eq!(post.id, "1880028106020515841");
}

#[tokio::test]
async fn unusable_2xx_on_create_may_be_delivered() {
    let cases = [
        ResponseTemplate::new(201).set_body_raw("{\"data\":{\"id\":1.5e3}}", "application/json"),
        ResponseTemplate::new(201),
        ResponseTemplate::new(200).set_body_raw("<html><title>ok</title></html>", "text/html"),
    ];
    for response in cases {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(response)
            .expect(1)
            .mount(&server)
            .await;
        let (client, _) = client(&server);

        let err = client
            .create_post(&NewPost::new("hi"))
            .await
            .expect_err("unusable");

        assert_eq!(err.delivery(), Some(Delivery::Unknown), "{err}");
    }
}

#[tokio::test]
async fn hostile_media_id_never_used_in_path() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/media/upload/initialize"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"data": {"id": "../../2/tweets"}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let (client, _) = client(&server);

    let err = client
        .upload_media(MediaUpload::file(asset("sample.gif")))
        .await
        .expect_err("bad id");

    assert!(matches!(err, Error::UnexpectedResponse(_)), "{err:?}");
}

#[tokio::test]
async fn zero_check_after_does_not_spin() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/media/upload/initialize"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture_json("initialize_200.json")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/2/media/upload/1880028106020515840/append"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let pending = serde_json::json!({"data": {"id": "1880028106020515840", "processing_info": {"state": "in_progress", "check_after_secs": 0}}});
    Mock::given(method("POST"))
        .and(path("/2/media/upload/1880028106020515840/finalize"))
        .respond_with(ResponseTemplate::new(200).set_body_json(pending.clone()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/2/media/upload"))
        .and(query_param("command", "STATUS"))
        .respond_with(ResponseTemplate::new(200).set_body_json(pending))
        .mount(&server)
        .await;
    let timer = Arc::new(ManualTimer::new());
    let client = builder(&server, &timer)
        .poll_settings(PollSettings {
            deadline: Duration::from_secs(30),
            ..PollSettings::default()
        })
        .oauth1(credentials())
        .build()
        .expect("client");

    let err = client
        .upload_media(MediaUpload::file(asset("sample.gif")))
        .await
        .expect_err("stuck");

    assert!(matches!(err, Error::Timeout(_)));
    assert!(timer.sleeps().iter().all(|s| *s >= Duration::from_secs(1)));
    assert!(timer.sleeps().len() <= 30);
}

#[tokio::test]
async fn failing_status_checks_end_in_timeout_with_id() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/media/upload/initialize"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture_json("initialize_200.json")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/2/media/upload/1880028106020515840/append"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/2/media/upload/1880028106020515840/finalize"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture_json("finalize_pending.json")),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/2/media/upload"))
        .respond_with(
            ResponseTemplate::new(503).set_body_raw("<title>Over capacity</title>", "text/html"),
        )
        .mount(&server)
        .await;
    let timer = Arc::new(ManualTimer::new());
    let client = builder(&server, &timer)
        .poll_settings(PollSettings {
            deadline: Duration::from_secs(120),
            ..PollSettings::default()
        })
        .oauth1(credentials())
        .build()
        .expect("client");

    let err = client
        .upload_media(MediaUpload::file(asset("sample.gif")))
        .await
        .expect_err("never ready");

    let Error::Timeout(timeout) = err else {
        panic!("expected a timeout keeping the id");
    };
    assert_eq!(timeout.id(), "1880028106020515840");
}

#[tokio::test]
async fn text_file_named_mp4_rejected() {
    let server = MockServer::start().await;
    catch_all(&server).await;
    let (client, _) = client(&server);
    let dir = tempfile::tempdir().expect("tempdir");
    let fake_video = dir.path().join("clip.mp4");
    std::fs::write(&fake_video, "this is not a video").expect("write");

    let err = client
        .upload_media(MediaUpload::file(&fake_video))
        .await
        .expect_err("not a video");

    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
}

#[tokio::test]
async fn huge_expires_in_does_not_panic() {
    let server = RawServer::start(vec![RawAction::response(
        200,
        &[("content-type", "application/json")],
        br#"{"token_type":"bearer","access_token":"AT2","refresh_token":"RT2","expires_in":18446744073709551615}"#,
    )])
    .await
    .expect("raw server");
    let app = OAuth2App::new("CLIENT", "https://app.example.com/cb")
        .expect("app")
        .token_url(&format!("{}2/oauth2/token", server.url()))
        .expect("token url");
    let http = twitter_sdk::auth::token_client(HttpSettings::default().no_proxy()).expect("http");

    let tokens = app
        .refresh(&http, &social_core::Secret::new("RT1"))
        .await
        .expect("refreshed");

    assert_eq!(tokens.access_token.expose(), "AT2");
    assert_eq!(tokens.expires_at, None);
}

#[tokio::test]
async fn bad_configuration_rejected() {
    let server = MockServer::start().await;
    let timer = Arc::new(ManualTimer::new());
    let app = || OAuth2App::new("CLIENT", "https://app.example.com/cb").expect("app");

    let userinfo = Client::builder()
        .base_url("https://user:pa55word@api.x.com/")
        .oauth1(credentials())
        .build()
        .expect_err("userinfo");
    let newline = builder(&server, &timer)
        .oauth2(app(), TokenSet::new("tok\r\nX-Injected: 1"), None)
        .build()
        .expect_err("header injection");
    let app_only = builder(&server, &timer)
        .app_only("tok en")
        .build()
        .expect_err("space");
    let big_chunks = builder(&server, &timer)
        .chunk_size(64 * 1024 * 1024)
        .oauth1(credentials())
        .build()
        .expect_err("64 MiB");
    let script = OAuth2App::new("CLIENT", "javascript:alert(1)").expect_err("script redirect");

    assert!(!userinfo.to_string().contains("pa55word"));
    assert!(userinfo.to_string().contains("base_url"));
    assert!(newline.to_string().contains("access_token"));
    assert!(app_only.to_string().contains("access_token"));
    assert!(big_chunks.to_string().contains("chunk_size"));
    assert!(script.to_string().contains("redirect_uri"));
}

#[tokio::test]
async fn token_url_follows_base_url_from_env() {
    let vars = [
        ("X_CLIENT_ID", "client"),
        ("X_REDIRECT_URI", "https://app.example.com/cb"),
        ("X_OAUTH2_ACCESS_TOKEN", "at"),
        ("X_OAUTH2_REFRESH_TOKEN", "rt"),
        ("X_API_BASE_URL", "http://127.0.0.1:9/"),
    ];
    let lookup = |name: &str| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    };

    let client = Client::from_env_with(lookup).expect("client");

    let debug = format!("{client:?}");
    assert!(
        debug.contains("http://127.0.0.1:9/2/oauth2/token"),
        "{debug}"
    );
    assert!(!debug.contains("api.x.com"), "{debug}");
}

#[tokio::test]
async fn post_input_edge_cases() {
    let server = MockServer::start().await;
    catch_all(&server).await;
    let (client, _) = client(&server);
    let cases = [
        ("text", NewPost::new("bell\u{7}")),
        ("text", NewPost::new("\u{200B}")),
        (
            "text",
            NewPost::new("").poll(vec!["a".into(), "b".into()], 60),
        ),
        ("media", NewPost::new("x").media_id("123").media_id("123")),
        (
            "exclude_reply_user_ids",
            NewPost::new("x").exclude_reply_user_ids(vec!["12".into()]),
        ),
    ];

    for (field, post) in cases {
        let err = client.create_post(&post).await.expect_err(field);
        let Error::InvalidInput(input) = &err else {
            panic!("{field}: expected InvalidInput, got {err:?}");
        };
        assert_eq!(input.field(), field);
    }
}
