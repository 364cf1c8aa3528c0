//! Exchanges an authorization code for tokens and stores them in a file.
//!
//! ```text
//! TIKTOK_CLIENT_KEY=… TIKTOK_CLIENT_SECRET=… TIKTOK_REDIRECT_URI=http://127.0.0.1:3455/callback/ \
//!   TIKTOK_CODE_VERIFIER=… cargo run -p tiktok-sdk --example exchange_code -- CODE tokens.json
//! ```
//!
//! `TIKTOK_CODE_VERIFIER` is needed by desktop and mobile apps, which send a
//! PKCE challenge in the authorization request. The token file contains
//! secrets, so keep it private. Each later refresh rotates the refresh token,
//! so an application must store every new token set it receives.

use social_core::Secret;
use tiktok_sdk::auth::{OAuthClient, PkceVerifier};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let code = args.next().ok_or("usage: exchange_code CODE TOKEN_FILE")?;
    let token_file = args.next().ok_or("usage: exchange_code CODE TOKEN_FILE")?;
    let client_key = std::env::var("TIKTOK_CLIENT_KEY")?;
    let client_secret = Secret::new(std::env::var("TIKTOK_CLIENT_SECRET")?);
    let redirect_uri = std::env::var("TIKTOK_REDIRECT_URI")?;
    let verifier = match std::env::var("TIKTOK_CODE_VERIFIER") {
        Ok(value) => Some(PkceVerifier::new(value)?),
        Err(_) => None,
    };

    let oauth = OAuthClient::builder(client_key, client_secret).build()?;
    let user = oauth
        .exchange_code(&code, &redirect_uri, verifier.as_ref())
        .await?;

    std::fs::write(&token_file, serde_json::to_vec_pretty(&user.tokens)?)?;
    println!(
        "stored the tokens of {} in {token_file}; scopes: {}",
        user.open_id.as_deref().unwrap_or("(no open_id)"),
        user.tokens.scopes.join(", ")
    );
    Ok(())
}
