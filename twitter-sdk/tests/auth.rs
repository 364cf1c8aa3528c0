//! OAuth 1.0a on the wire, OAuth 2.0 PKCE, code exchange and refresh.

mod support;

use std::sync::{Arc, Mutex};

use social_core::testing::ManualTimer;
use social_core::{Error, ErrorKind, HttpClient, HttpClientConfig, HttpSettings, Secret, TokenSet};
use support::{builder, catch_all, client, credentials, fixture, fixture_json};
use twitter_sdk::auth::FixedNonce;
use twitter_sdk::{MediaUpload, NewPost, OAuth2App, XProtocol};
use url::Url;
use wiremock::matchers::{body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// Reads the quoted parameters of an `OAuth ...` header.
fn oauth_params(header: &str) -> Vec<(String, String)> {
    header
        .trim_start_matches("OAuth ")
        .split(',')
        .filter_map(|pair| {
            let (key, value) = pair.trim().split_once('=')?;
            Some((key.to_owned(), value.trim_matches('"').to_owned()))
        })
        .collect()
}

fn param(params: &[(String, String)], key: &str) -> String {
    params
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// Recomputes the signature a request should carry if exactly `signed` were
/// signed, using the nonce and timestamp of its own header.
fn expected_signature(
    server: &MockServer,
    request: &Request,
    signed: &[(String, String)],
) -> (String, String) {
    let header = request
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .expect("authorization");
    let params = oauth_params(header);
    let nonce = percent_decode(&param(&params, "oauth_nonce"));
    let timestamp: u64 = param(&params, "oauth_timestamp")
        .parse()
        .expect("timestamp");
    // wiremock rebuilds the URL from the Host header, so take the scheme,
    // host and port the client really used from the server.
    let url = Url::parse(&format!("{}{}", server.uri(), request.url.path())).expect("url");
    let recomputed = credentials()
        .authorization(
            request.method.as_str(),
            &url,
            signed,
            Some(FixedNonce {
                nonce: &nonce,
                timestamp,
            }),
        )
        .expect("header");
    (
        param(&params, "oauth_signature"),
        param(&oauth_params(&recomputed), "oauth_signature"),
    )
}

fn percent_decode(value: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", value.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn multipart_signs_only_query_and_oauth() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/media/upload/initialize"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture_json("initialize_200.json")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/2/media/upload/1880028106020515840/append"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture_json("append_200.json")))
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
        .and(query_param("command", "STATUS"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture_json("status_succeeded.json")),
        )
        .mount(&server)
        .await;
    catch_all(&server).await;
    let (client, _) = client(&server);
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/media/sample.gif");

    client
        .upload_media(MediaUpload::file(file))
        .await
        .expect("uploaded");

    let requests = server.received_requests().await.expect("recording");
    let append = requests
        .iter()
        .find(|r| r.url.path().ends_with("/append"))
        .expect("an append");
    let (sent, oauth_only) = expected_signature(&server, append, &[]);
    let with_parts = expected_signature(&server, append, &[("segment_index".into(), "0".into())]).1;
    assert_eq!(sent, oauth_only, "append signs only the oauth_* values");
    assert_ne!(sent, with_parts, "multipart fields are never signed");

    let status = requests
        .iter()
        .find(|r| r.url.path() == "/2/media/upload")
        .expect("a status check");
    let query: Vec<(String, String)> = status
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let (sent, with_query) = expected_signature(&server, status, &query);
    let without_query = expected_signature(&server, status, &[]).1;
    assert_eq!(sent, with_query, "query parameters are signed");
    assert_ne!(sent, without_query);
}

#[tokio::test]
async fn json_post_signs_no_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/tweets"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(fixture_json("create_post_201.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let (client, _) = client(&server);

    client
        .create_post(&NewPost::new("Hello! It's (50%) off* — £5 🎉"))
        .await
        .expect("created");

    let requests = server.received_requests().await.expect("recording");
    let (sent, expected) = expected_signature(&server, &requests[0], &[]);
    assert_eq!(sent, expected);
}

#[tokio::test]
async fn signature_rejected_not_refreshed_or_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/tweets"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(fixture_json("signature_rejected_401.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let (client, timer) = client(&server);

    let err = client
        .create_post(&NewPost::new("hello"))
        .await
        .expect_err("rejected");

    assert_eq!(err.kind(), ErrorKind::InvalidToken);
    assert_eq!(err.as_api().and_then(|a| a.code()), Some("32"));
    assert!(err.to_string().contains("clock"));
    assert!(timer.sleeps().is_empty());
}

fn app(server: &MockServer) -> OAuth2App {
    OAuth2App::new("CLIENT_ID_PLACEHOLDER", "https://app.example.com/callback")
        .expect("app")
        .token_url(&format!("{}/2/oauth2/token", server.uri()))
        .expect("token url")
}

fn http() -> HttpClient {
    let mut config = HttpClientConfig::new("twitter-sdk-tests/0");
    config.settings = HttpSettings::default().no_proxy();
    config.timer = Arc::new(ManualTimer::new());
    HttpClient::new(config, Arc::new(XProtocol)).expect("http")
}

#[tokio::test]
async fn authorization_url_has_pkce() {
    let app =
        OAuth2App::new("CLIENT_ID_PLACEHOLDER", "https://app.example.com/callback").expect("app");

    let request = app
        .authorization_request(&["tweet.read", "tweet.write", "users.read", "offline.access"])
        .expect("request");

    let pairs: Vec<(String, String)> = request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    assert_eq!(request.url.host_str(), Some("x.com"));
    assert_eq!(request.url.path(), "/i/oauth2/authorize");
    assert_eq!(get("response_type").as_deref(), Some("code"));
    assert_eq!(
        get("scope").as_deref(),
        Some("tweet.read tweet.write users.read offline.access")
    );
    assert_eq!(get("code_challenge_method").as_deref(), Some("S256"));
    assert_eq!(get("state").as_deref(), Some(request.state.as_str()));
    let verifier = request.code_verifier.expose();
    assert!((43..=128).contains(&verifier.len()));
    use base64::Engine;
    use sha2::Digest;
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()));
    assert_eq!(get("code_challenge"), Some(challenge));
}

#[tokio::test]
async fn code_exchange_public_client() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/oauth2/token"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string(
            "code=CODE_1&grant_type=authorization_code&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback&code_verifier=VERIFIER_1&client_id=CLIENT_ID_PLACEHOLDER",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture_json("token_200.json")))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let tokens = app(&server)
        .exchange_code(&http(), "CODE_1", &Secret::new("VERIFIER_1"))
        .await
        .expect("tokens");

    assert_eq!(tokens.access_token.expose(), "ACCESS_TOKEN_2");
    assert_eq!(
        tokens.refresh_token.as_ref().map(Secret::expose),
        Some("REFRESH_TOKEN_2")
    );
    assert!(tokens.scopes.contains(&"offline.access".to_owned()));
    assert!(tokens.expires_at.is_some());
}

#[tokio::test]
async fn confidential_client_sends_basic_auth() {
    let server = MockServer::start().await;
    // base64("CLIENT_ID_PLACEHOLDER:CLIENT_SECRET_PLACEHOLDER")
    Mock::given(method("POST"))
        .and(path("/2/oauth2/token"))
        .and(header(
            "authorization",
            "Basic Q0xJRU5UX0lEX1BMQUNFSE9MREVSOkNMSUVOVF9TRUNSRVRfUExBQ0VIT0xERVI=",
        ))
        .and(body_string(
            "grant_type=refresh_token&refresh_token=REFRESH_TOKEN_1",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture_json("token_200.json")))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let app = app(&server)
        .client_secret("CLIENT_SECRET_PLACEHOLDER")
        .expect("secret");

    let tokens = app
        .refresh(&http(), &Secret::new("REFRESH_TOKEN_1"))
        .await
        .expect("refreshed");

    assert_eq!(tokens.access_token.expose(), "ACCESS_TOKEN_2");
}

/// Answers 401 to the stale token and 201 to the fresh one.
async fn mount_posts_by_token(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/2/tweets"))
        .and(header("authorization", "Bearer ACCESS_TOKEN_1"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(fixture_json("unauthorized_401.json")),
        )
        .expect(2)
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/2/tweets"))
        .and(header("authorization", "Bearer ACCESS_TOKEN_2"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(fixture_json("create_post_201.json")),
        )
        .expect(2)
        .mount(server)
        .await;
}

#[tokio::test]
async fn refresh_race_single_flight() {
    let server = MockServer::start().await;
    mount_posts_by_token(&server).await;
    Mock::given(method("POST"))
        .and(path("/2/oauth2/token"))
        .and(body_string("grant_type=refresh_token&refresh_token=REFRESH_TOKEN_1&client_id=CLIENT_ID_PLACEHOLDER"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(fixture_json("token_200.json"))
                .set_delay(std::time::Duration::from_millis(100)),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let persisted = Arc::new(Mutex::new(Vec::new()));
    let seen = persisted.clone();
    let timer = Arc::new(ManualTimer::new());
    let tokens = TokenSet::new("ACCESS_TOKEN_1").with_refresh_token("REFRESH_TOKEN_1");
    let callback: social_core::auth::TokenCallback = Arc::new(move |set: &TokenSet| {
        let refresh = set.refresh_token.as_ref().map(|t| t.expose().to_owned());
        seen.lock().expect("lock").push(refresh);
    });
    let client = builder(&server, &timer)
        .oauth2(app(&server), tokens, Some(callback))
        .build()
        .expect("client");

    let first = NewPost::new("first");
    let second = NewPost::new("second");
    let (a, b) = tokio::join!(client.create_post(&first), client.create_post(&second));

    assert!(a.is_ok(), "{a:?}");
    assert!(b.is_ok(), "{b:?}");
    assert_eq!(
        *persisted.lock().expect("lock"),
        vec![Some("REFRESH_TOKEN_2".to_owned())]
    );
    let requests = server.received_requests().await.expect("recording");
    let order: Vec<String> = requests
        .iter()
        .map(|r| {
            let auth = r
                .headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            format!("{} {}", r.url.path(), auth)
        })
        .collect();
    let refresh_at = order
        .iter()
        .position(|o| o.starts_with("/2/oauth2/token"))
        .expect("refresh");
    let retries: Vec<usize> = order
        .iter()
        .enumerate()
        .filter(|(_, o)| o.ends_with("ACCESS_TOKEN_2"))
        .map(|(i, _)| i)
        .collect();
    assert!(
        retries.iter().all(|&i| i > refresh_at),
        "retries come after the refresh: {order:?}"
    );
}

#[tokio::test]
async fn rejected_refresh_token_asks_reauthorization() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/tweets"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(fixture_json("unauthorized_401.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/2/oauth2/token"))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(fixture_json("token_invalid_400.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let tokens = TokenSet::new("ACCESS_TOKEN_1").with_refresh_token("REFRESH_TOKEN_USED");
    let client = builder(&server, &timer)
        .oauth2(app(&server), tokens, None)
        .build()
        .expect("client");

    let err = client
        .create_post(&NewPost::new("hello"))
        .await
        .expect_err("refresh rejected");

    let Error::Auth(auth) = &err else {
        panic!("expected an auth error, got {err:?}");
    };
    assert!(auth.requires_reauthorization());
    assert!(err.to_string().contains("authorize the application again"));
    assert!(!err.to_string().contains("REFRESH_TOKEN_USED"));
}

#[tokio::test]
async fn expired_token_without_refresh_says_what_to_do() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/2/users/me"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(fixture_json("unauthorized_401.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let client = builder(&server, &timer)
        .oauth2(app(&server), TokenSet::new("ACCESS_TOKEN_1"), None)
        .build()
        .expect("client");

    let err = client.me().await.expect_err("expired");

    assert!(matches!(err, Error::Auth(_)));
    assert!(err.to_string().contains("no refresh token"));
}

#[tokio::test]
async fn from_env_picks_oauth1() {
    let vars = [
        ("X_CONSUMER_KEY", "ck"),
        ("X_CONSUMER_SECRET", "cs"),
        ("X_ACCESS_TOKEN", "at"),
        ("X_ACCESS_TOKEN_SECRET", "ats"),
        ("X_API_BASE_URL", "http://127.0.0.1:9"),
    ];
    let lookup = |name: &str| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    };

    let client = twitter_sdk::Client::from_env_with(lookup).expect("client");

    assert!(format!("{client:?}").contains("OAuth1"));
    assert!(!format!("{client:?}").contains("ats"));
}

#[tokio::test]
async fn from_env_names_missing_variable() {
    let lookup = |name: &str| (name == "X_CONSUMER_KEY").then(|| "ck".to_owned());

    let err = twitter_sdk::Client::from_env_with(lookup).expect_err("incomplete");

    assert!(err.to_string().contains("X_CONSUMER_SECRET"));
}

#[tokio::test]
async fn base_url_must_be_https() {
    let err = twitter_sdk::Client::builder()
        .base_url("http://api.x.com")
        .oauth1(credentials())
        .build()
        .expect_err("plain http");

    assert!(err.to_string().contains("base_url"));
}

#[test]
fn secrets_never_print() {
    let credentials = credentials();
    let app = OAuth2App::new("CLIENT_ID", "https://app.example.com/cb")
        .expect("app")
        .client_secret("CLIENT_SECRET_VALUE")
        .expect("secret");
    let tokens = TokenSet::new("ACCESS_VALUE").with_refresh_token("REFRESH_VALUE");
    let url = Url::parse("https://api.x.com/2/tweets").expect("url");
    let header = credentials
        .authorization("POST", &url, &[], None)
        .expect("header");

    let printed = format!("{credentials:?} {app:?} {tokens:?}");

    for secret in [
        "CONSUMER_SECRET_PLACEHOLDER",
        "TOKEN_SECRET_PLACEHOLDER",
        "ACCESS_TOKEN_PLACEHOLDER",
        "CLIENT_SECRET_VALUE",
        "ACCESS_VALUE",
        "REFRESH_VALUE",
    ] {
        assert!(!printed.contains(secret), "{secret} printed");
    }
    assert!(!header.contains("CONSUMER_SECRET_PLACEHOLDER"));
    let _ = fixture("token_200.json");
}
