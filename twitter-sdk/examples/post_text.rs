//! Posts a text to X with credentials from the environment.
//!
//! ```text
//! export X_CONSUMER_KEY=... X_CONSUMER_SECRET=... X_ACCESS_TOKEN=... X_ACCESS_TOKEN_SECRET=...
//! cargo run -p twitter-sdk --example post_text -- "Hello from Rust"
//! ```
//!
//! See `Client::from_env` for the OAuth 2.0 and app-only variables.

use twitter_sdk::{Client, NewPost};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let text = std::env::args().nth(1).ok_or("usage: post_text <text>")?;
    let client = Client::from_env()?;

    let post = client.create_post(&NewPost::new(text)).await?;

    println!("posted {} ({})", post.id, post.text);
    Ok(())
}
