//! Runs yup-oauth2's installed flow once to get a refresh token for
//! YouTube, and says where it was stored.
//!
//! ```sh
//! GOOGLE_CLIENT_SECRET_FILE=client_secret.json \
//! YOUTUBE_TOKEN_FILE=youtube-tokens.json \
//!     cargo run -p youtube-sdk --features yup-oauth2 --example authorize
//! ```
//!
//! `GOOGLE_CLIENT_SECRET_FILE` is the OAuth client ("Desktop app") JSON
//! downloaded from the Google Cloud console. The browser consent asks for
//! the `youtube.force-ssl` scope, which covers uploads, updates, deletes,
//! thumbnails and playlists. Afterwards, give the `refresh_token` of the
//! token file to `Client::builder().refresh_token(…)` together with the
//! client id and secret, or set `YOUTUBE_REFRESH_TOKEN` for
//! `Client::from_env()`.

use std::process::ExitCode;

use youtube_sdk::auth::SCOPE_FORCE_SSL;
use yup_oauth2::{InstalledFlowAuthenticator, InstalledFlowReturnMethod};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(path) => {
            println!(
                "Authorized. yup-oauth2 stored the token set, refresh token included, in {path}."
            );
            println!(
                "Keep that file private: its refresh token grants access to the channel until revoked."
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("authorize: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<String, String> {
    let secret_file = std::env::var("GOOGLE_CLIENT_SECRET_FILE").map_err(|_| {
        "set GOOGLE_CLIENT_SECRET_FILE to the OAuth client JSON from the Google Cloud console"
            .to_owned()
    })?;
    let token_file =
        std::env::var("YOUTUBE_TOKEN_FILE").unwrap_or_else(|_| "youtube-tokens.json".to_owned());
    let secret = yup_oauth2::read_application_secret(&secret_file)
        .await
        .map_err(|e| format!("cannot read {secret_file}: {e}"))?;
    let authenticator =
        InstalledFlowAuthenticator::builder(secret, InstalledFlowReturnMethod::HTTPRedirect)
            .persist_tokens_to_disk(&token_file)
            .build()
            .await
            .map_err(|e| format!("cannot start the installed flow: {e}"))?;
    authenticator
        .token(&[SCOPE_FORCE_SSL])
        .await
        .map_err(|e| format!("authorization failed: {e}"))?;
    let path = std::fs::canonicalize(&token_file).map_or(token_file, |p| p.display().to_string());
    Ok(path)
}
