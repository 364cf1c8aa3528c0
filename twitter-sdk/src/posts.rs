//! Creating, reading and deleting posts, and reading the current user.

use serde_json::{Map, Value, json};
use social_core::http::Method;
use social_core::{Error, RequestSpec, Result};

use crate::client::{ApiRequest, Client};
use crate::media::{MediaKind, UploadedMedia};
use crate::model::{Envelope, Post, User};
use crate::validate::{check_id, check_poll, check_server_id, check_text};

/// The accounts allowed to reply to a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReplySettings {
    /// Accounts the author follows.
    Following,
    /// Accounts mentioned in the post.
    MentionedUsers,
    /// The author's subscribers.
    Subscribers,
    /// Verified accounts.
    Verified,
}

impl ReplySettings {
    fn as_str(self) -> &'static str {
        match self {
            ReplySettings::Following => "following",
            ReplySettings::MentionedUsers => "mentionedUsers",
            ReplySettings::Subscribers => "subscribers",
            ReplySettings::Verified => "verified",
        }
    }
}

/// A post to create. Build it with the setters, then pass it to
/// [`Client::create_post`].
#[derive(Debug, Clone, Default)]
pub struct NewPost {
    text: String,
    media: Vec<(String, Option<MediaKind>)>,
    reply_to: Option<String>,
    exclude_reply_user_ids: Vec<String>,
    quote_post_id: Option<String>,
    poll: Option<(Vec<String>, u32)>,
    reply_settings: Option<ReplySettings>,
}

impl NewPost {
    /// Creates a post with this text (empty is allowed when media is attached).
    pub fn new(text: impl Into<String>) -> NewPost {
        NewPost {
            text: text.into(),
            ..NewPost::default()
        }
    }

    /// Attaches uploaded media whose processing succeeded.
    pub fn media(mut self, media: &UploadedMedia) -> NewPost {
        self.media.push((media.id.clone(), Some(media.kind)));
        self
    }

    /// Attaches media by id, for media uploaded elsewhere. The caller must
    /// make sure its processing succeeded; X rejects the post otherwise.
    pub fn media_id(mut self, id: impl Into<String>) -> NewPost {
        self.media.push((id.into(), None));
        self
    }

    /// Makes the post a reply. Self-serve API tiers may reply only where
    /// the original author mentioned or quoted this account.
    pub fn reply_to(mut self, post_id: impl Into<String>) -> NewPost {
        self.reply_to = Some(post_id.into());
        self
    }

    /// Leaves these users out of the reply's mentions.
    pub fn exclude_reply_user_ids(mut self, user_ids: Vec<String>) -> NewPost {
        self.exclude_reply_user_ids = user_ids;
        self
    }

    /// Quotes a post. NOTE: since April 2026 X accepts quotes through the API
    /// only on Enterprise access; other tiers get a 403.
    pub fn quote(mut self, post_id: impl Into<String>) -> NewPost {
        self.quote_post_id = Some(post_id.into());
        self
    }

    /// Adds a poll of 2 to 4 options running `duration_minutes` (5 to 10080).
    pub fn poll(mut self, options: Vec<String>, duration_minutes: u32) -> NewPost {
        self.poll = Some((options, duration_minutes));
        self
    }

    /// Limits who may reply.
    pub fn reply_settings(mut self, settings: ReplySettings) -> NewPost {
        self.reply_settings = Some(settings);
        self
    }

    fn validate(&self, client: &Client) -> Result<()> {
        // A poll is a question, so it needs visible text too.
        check_text(&self.text, !self.media.is_empty(), &client.inner.limits)?;
        self.validate_media()?;
        if let Some((options, minutes)) = &self.poll {
            check_poll(options, *minutes)?;
            if !self.media.is_empty() {
                return Err(Error::invalid_input(
                    "poll",
                    "a post cannot carry both a poll and media",
                ));
            }
        }
        if let Some(id) = &self.reply_to {
            check_id("reply_to", id)?;
        }
        if let Some(id) = &self.quote_post_id {
            check_id("quote", id)?;
        }
        for id in &self.exclude_reply_user_ids {
            check_id("exclude_reply_user_ids", id)?;
        }
        if !self.exclude_reply_user_ids.is_empty() && self.reply_to.is_none() {
            return Err(Error::invalid_input(
                "exclude_reply_user_ids",
                "only a reply can leave users out of its mentions; set reply_to too",
            ));
        }
        Ok(())
    }

    fn validate_media(&self) -> Result<()> {
        for (index, (id, _)) in self.media.iter().enumerate() {
            check_id("media", id)?;
            if self.media[..index].iter().any(|(earlier, _)| earlier == id) {
                return Err(Error::invalid_input(
                    "media",
                    format!("media {id} is attached twice"),
                ));
            }
        }
        if self.media.len() > 4 {
            return Err(Error::invalid_input(
                "media",
                format!(
                    "{} items; a post carries at most 4 images, or 1 GIF, or 1 video",
                    self.media.len()
                ),
            ));
        }
        let moving = self
            .media
            .iter()
            .filter(|(_, kind)| matches!(kind, Some(MediaKind::Gif | MediaKind::Video)))
            .count();
        if moving > 0 && self.media.len() > 1 {
            return Err(Error::invalid_input(
                "media",
                "a GIF or a video must be the post's only media item",
            ));
        }
        Ok(())
    }

    fn to_json(&self) -> Value {
        // `text` is always sent: X rejects a post whose `text` key is absent,
        // even when media is attached.
        let mut body = Map::new();
        body.insert("text".into(), json!(self.text));
        if !self.media.is_empty() {
            let ids: Vec<&str> = self.media.iter().map(|(id, _)| id.as_str()).collect();
            body.insert("media".into(), json!({ "media_ids": ids }));
        }
        if let Some(id) = &self.reply_to {
            let mut reply = json!({ "in_reply_to_tweet_id": id });
            if !self.exclude_reply_user_ids.is_empty() {
                reply["exclude_reply_user_ids"] = json!(self.exclude_reply_user_ids);
            }
            body.insert("reply".into(), reply);
        }
        if let Some(id) = &self.quote_post_id {
            body.insert("quote_tweet_id".into(), json!(id));
        }
        if let Some((options, minutes)) = &self.poll {
            body.insert(
                "poll".into(),
                json!({ "options": options, "duration_minutes": minutes }),
            );
        }
        if let Some(settings) = self.reply_settings {
            body.insert("reply_settings".into(), json!(settings.as_str()));
        }
        Value::Object(body)
    }
}

impl Client {
    /// Creates a post.
    ///
    /// The request is sent at most once unless X provably did not act on
    /// it: a 429 or a connection that never opened is retried; a 5xx, a
    /// timeout after sending or a cut-off response returns an error whose
    /// [`Error::delivery`] is `Unknown`, so check the timeline before posting
    /// again.
    pub async fn create_post(&self, post: &NewPost) -> Result<Post> {
        post.validate(self)?;
        let request = ApiRequest::new(
            Method::POST,
            "2/tweets",
            RequestSpec::creating("create_post"),
        )
        .json(post.to_json());
        let response = self.send(request).await?;
        let envelope: Envelope<Post> = response.json()?;
        check_server_id(&response, "post id", &envelope.data.id)?;
        Ok(envelope.data)
    }

    /// Deletes a post; returns whether X reports it deleted.
    pub async fn delete_post(&self, post_id: &str) -> Result<bool> {
        check_id("post_id", post_id)?;
        let request = ApiRequest::new(
            Method::DELETE,
            format!("2/tweets/{post_id}"),
            RequestSpec::idempotent("delete_post"),
        );
        let response = self.send(request).await?;
        let envelope: Envelope<Value> = response.json()?;
        Ok(envelope
            .data
            .get("deleted")
            .and_then(Value::as_bool)
            .unwrap_or(false))
    }

    /// Reads a post by id.
    pub async fn get_post(&self, post_id: &str) -> Result<Post> {
        check_id("post_id", post_id)?;
        let request = ApiRequest::new(
            Method::GET,
            format!("2/tweets/{post_id}"),
            RequestSpec::idempotent("get_post"),
        )
        .query(
            "tweet.fields",
            "author_id,created_at,edit_history_tweet_ids",
        );
        let response = self.send(request).await?;
        let envelope: Envelope<Post> = response.json()?;
        if !envelope.errors.is_empty() {
            tracing::debug!(
                errors = envelope.errors.len(),
                "post read with partial errors"
            );
        }
        Ok(envelope.data)
    }

    /// Reads the authenticated user (needs a user context).
    pub async fn me(&self) -> Result<User> {
        let request = ApiRequest::new(
            Method::GET,
            "2/users/me",
            RequestSpec::idempotent("users_me"),
        )
        .user_context();
        let response = self.send(request).await?;
        let envelope: Envelope<User> = response.json()?;
        Ok(envelope.data)
    }
}
