//! The yup-oauth2 adapter, offline: an installed-flow authenticator whose
//! `ApplicationSecret.token_uri` points at wiremock, a pre-seeded token
//! store, and a delegate that refuses interactive login.

#[path = "support/helpers.rs"]
mod support;

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use social_core::{Error, HttpSettings, TokenProvider};
use support::{fixture, mount_catch_all, timer};
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use youtube_sdk::Client;
use youtube_sdk::auth::SCOPE_FORCE_SSL;
use youtube_sdk::auth::yup::{RefuseInteractiveLogin, YupOAuth2Provider};
use yup_oauth2::storage::{TokenInfo, TokenStorage, TokenStorageError};
use yup_oauth2::{ApplicationSecret, InstalledFlowAuthenticator, InstalledFlowReturnMethod};

/// A token store holding one token, whatever the scopes.
#[derive(Default)]
struct OneToken(Mutex<Option<TokenInfo>>);

#[async_trait]
impl TokenStorage for OneToken {
    async fn set(&self, _scopes: &[&str], token: TokenInfo) -> Result<(), TokenStorageError> {
        *self.0.lock().expect("lock") = Some(token);
        Ok(())
    }

    async fn get(&self, _scopes: &[&str]) -> Option<TokenInfo> {
        self.0.lock().expect("lock").clone()
    }
}

/// Builds a stored token whose expiry is in 2020 when `expired` is set.
fn stored_token(access: &str, expired: bool) -> TokenInfo {
    let expires_at = if expired {
        "[2020,1,0,0,0,0,0,0,0]"
    } else {
        "[2999,1,0,0,0,0,0,0,0]"
    };
    let json = format!(
        r#"{{"access_token":"{access}","refresh_token":"1//0gRefresh","expires_at":{expires_at},"id_token":null}}"#
    );
    serde_json::from_str(&json).expect("token info")
}

async fn provider(server: &MockServer, token: TokenInfo) -> YupOAuth2Provider {
    let secret = ApplicationSecret {
        client_id: "cid.apps.googleusercontent.com".into(),
        client_secret: "GOCSPX-secret".into(),
        token_uri: format!("{}/token", server.uri()),
        auth_uri: format!("{}/auth", server.uri()),
        redirect_uris: vec!["http://127.0.0.1".into()],
        ..ApplicationSecret::default()
    };
    let storage = OneToken(Mutex::new(Some(token)));
    let authenticator =
        InstalledFlowAuthenticator::builder(secret, InstalledFlowReturnMethod::Interactive)
            .with_storage(Box::new(storage))
            .flow_delegate(Box::new(RefuseInteractiveLogin))
            .build()
            .await
            .expect("authenticator");
    YupOAuth2Provider::new(authenticator, [SCOPE_FORCE_SSL])
}

fn token_endpoint() -> wiremock::MockBuilder {
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains("refresh_token=1%2F%2F0gRefresh"))
}

#[tokio::test]
async fn expired_token_in_store_is_refreshed_through_token_uri() {
    let server = MockServer::start().await;
    token_endpoint()
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(fixture("token_refreshed.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let provider = provider(&server, stored_token("ya29.old", true)).await;

    let token = provider.access_token().await.expect("token");

    assert_eq!(token.expose(), "ya29.a0AfB_refreshed");
}

#[tokio::test]
async fn revoked_refresh_token_fails_fast_asking_for_reauthorization() {
    let server = MockServer::start().await;
    token_endpoint()
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_raw(fixture("token_invalid_grant.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let provider = provider(&server, stored_token("ya29.old", true)).await;

    let error = provider.access_token().await.expect_err("revoked");

    assert!(
        matches!(&error, Error::Auth(a) if a.requires_reauthorization()),
        "{error}"
    );
    assert!(
        error.to_string().contains("interactive login was refused"),
        "{error}"
    );
}

#[tokio::test]
async fn rejected_token_is_force_refreshed_once_by_the_client() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/youtube/v3/videos"))
        .and(header("authorization", "Bearer ya29.current"))
        .respond_with(
            ResponseTemplate::new(401).set_body_raw(fixture("auth_error.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/youtube/v3/videos"))
        .and(header("authorization", "Bearer ya29.a0AfB_refreshed"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(fixture("videos_list_statistics.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    token_endpoint()
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(fixture("token_refreshed.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let provider = provider(&server, stored_token("ya29.current", false)).await;
    let client = Client::builder()
        .root_url(format!("{}/", server.uri()))
        .token_provider(Arc::new(provider))
        .timer(timer())
        .http_settings(HttpSettings::default().no_proxy())
        .build()
        .expect("client");

    let video = client
        .get_video("dQw4w9WgXcQ")
        .await
        .expect("after one refresh");

    assert_eq!(video.id, "dQw4w9WgXcQ");
}
