//! Feed posts: publish, read back, list, update and delete.

use std::time::{Duration, SystemTime};

use serde_json::{Value, json};
use social_core::{Error, RequestSpec, Result};

use crate::client::{Client, is_numeric_id};
use crate::graph::{GraphRequest, Paged};
use crate::model::{Post, PostCreated, expect_success};

/// The earliest a scheduled post may be published, counted from the request.
pub const MIN_SCHEDULE_AHEAD: Duration = Duration::from_secs(10 * 60);

/// The latest a scheduled post may be published, counted from the request.
pub const MAX_SCHEDULE_AHEAD: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// Fields asked for in the same call that creates a post (read-after-write).
const DEFAULT_RETURN_FIELDS: &str = "id,permalink_url";

/// Fields read by [`Client::get_post`] and [`Client::list_posts`].
const DEFAULT_POST_FIELDS: &str = "id,message,created_time,permalink_url";

/// A post for `POST /{page-id}/feed`.
#[derive(Debug, Clone, Default)]
pub struct FeedPost {
    message: Option<String>,
    link: Option<String>,
    published: bool,
    scheduled_at: Option<SystemTime>,
    attached_media: Vec<String>,
    return_fields: Option<String>,
}

impl FeedPost {
    /// Creates a text post.
    pub fn text(message: impl Into<String>) -> FeedPost {
        FeedPost {
            message: Some(message.into()),
            published: true,
            ..FeedPost::default()
        }
    }

    /// Creates a link post; add text with [`FeedPost::message`].
    pub fn link(url: impl Into<String>) -> FeedPost {
        FeedPost {
            link: Some(url.into()),
            published: true,
            ..FeedPost::default()
        }
    }

    /// Sets the text.
    pub fn message(mut self, message: impl Into<String>) -> FeedPost {
        self.message = Some(message.into());
        self
    }

    /// Sets the link.
    pub fn with_link(mut self, url: impl Into<String>) -> FeedPost {
        self.link = Some(url.into());
        self
    }

    /// Creates the post unpublished (`published=false`): hidden from the
    /// Page's feed.
    pub fn unpublished(mut self) -> FeedPost {
        self.published = false;
        self
    }

    /// Schedules the post; the time must lie between 10 minutes and 30 days
    /// after the request. Implies unpublished until then.
    pub fn scheduled_at(mut self, at: SystemTime) -> FeedPost {
        self.scheduled_at = Some(at);
        self.published = false;
        self
    }

    /// Attaches an unpublished photo by id (a multi-photo post).
    pub fn attach_photo(mut self, photo_id: impl Into<String>) -> FeedPost {
        self.attached_media.push(photo_id.into());
        self
    }

    /// Sets the fields Graph returns about the new post in the same call.
    /// Default `id,permalink_url`.
    pub fn return_fields(mut self, fields: &[&str]) -> FeedPost {
        self.return_fields = Some(fields.join(","));
        self
    }

    /// Checks the post and returns the JSON body for `now`.
    pub(crate) fn to_body(&self, now: SystemTime) -> Result<Value> {
        let message = self
            .message
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty());
        if message.is_none() && self.link.is_none() && self.attached_media.is_empty() {
            return Err(Error::invalid_input(
                "message",
                "is empty; a post needs a message, a link or attached photos",
            ));
        }
        if let Some(message) = &self.message {
            check_text("message", message)?;
        }
        let mut body = json!({});
        if let Some(message) = &self.message {
            body["message"] = json!(message);
        }
        if let Some(link) = &self.link {
            body["link"] = json!(check_link(link)?);
        }
        if !self.published {
            body["published"] = json!("false");
        }
        if let Some(at) = self.scheduled_at {
            body["scheduled_publish_time"] = json!(check_schedule(at, now)?);
        }
        if !self.attached_media.is_empty() {
            let media: Vec<Value> = self
                .attached_media
                .iter()
                .map(|id| check_object_id("attached_media", id).map(|id| json!({"media_fbid": id})))
                .collect::<Result<_>>()?;
            body["attached_media"] = Value::Array(media);
        }
        Ok(body)
    }
}

/// Rejects control characters other than tab and line breaks, which no
/// post text needs and which usually come from a broken string.
pub(crate) fn check_text(field: &str, text: &str) -> Result<()> {
    social_core::text::check_control_characters(field, text)
}

fn check_link(link: &str) -> Result<String> {
    let url = url::Url::parse(link.trim())
        .map_err(|e| Error::invalid_input("link", format!("`{link}` is not a valid URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::invalid_input(
            "link",
            format!("`{link}` must be an http or https URL"),
        ));
    }
    Ok(url.to_string())
}

/// Checks a scheduled time against the 10 minutes to 30 days window and
/// returns it in Unix seconds.
pub(crate) fn check_schedule(at: SystemTime, now: SystemTime) -> Result<u64> {
    let ahead = at.duration_since(now).unwrap_or(Duration::ZERO);
    if ahead < MIN_SCHEDULE_AHEAD {
        return Err(Error::invalid_input(
            "scheduled_publish_time",
            format!(
                "is {} s ahead; it must be at least 10 minutes after the request",
                ahead.as_secs()
            ),
        ));
    }
    if ahead > MAX_SCHEDULE_AHEAD {
        return Err(Error::invalid_input(
            "scheduled_publish_time",
            format!(
                "is {} days ahead; it must be at most 30 days after the request",
                ahead.as_secs() / 86_400
            ),
        ));
    }
    let seconds = at
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Ok(seconds)
}

/// Checks an object id: digits, or Page post ids `<page-id>_<post-id>`.
pub(crate) fn check_object_id<'a>(field: &str, id: &'a str) -> Result<&'a str> {
    let id = id.trim();
    let valid = !id.is_empty() && id.split('_').all(is_numeric_id) && id.split('_').count() <= 2;
    if valid {
        Ok(id)
    } else {
        Err(Error::invalid_input(
            field,
            format!("`{id}` is not a Graph object id; expected digits or <page-id>_<post-id>"),
        ))
    }
}

impl Client {
    /// Publishes a post with `POST /{page-id}/feed`.
    ///
    /// The call is never repeated after it may have reached Graph (an HTML
    /// 5xx page, a dropped connection): the error then has
    /// `Delivery::Unknown`, and the caller should look for the post before
    /// sending it again.
    pub async fn publish_post(&self, post: &FeedPost) -> Result<PostCreated> {
        let body = post.to_body(self.timer().now())?;
        let fields = post
            .return_fields
            .as_deref()
            .unwrap_or(DEFAULT_RETURN_FIELDS);
        let token = self.page_token().await?;
        let path = format!("{}/feed", self.page_id());
        let request = GraphRequest::post(RequestSpec::creating("publish_post"), path)
            .query("fields", fields)
            .json(body)
            .token(&token);
        self.graph().send_json(&request).await
    }

    /// Reads a post with the default fields `id,message,created_time,permalink_url`.
    pub async fn get_post(&self, post_id: &str) -> Result<Post> {
        self.get_post_fields(post_id, &[]).await
    }

    /// Reads a post with the given fields (the default set when empty).
    pub async fn get_post_fields(&self, post_id: &str, fields: &[&str]) -> Result<Post> {
        let post_id = check_object_id("post_id", post_id)?;
        let fields = if fields.is_empty() {
            DEFAULT_POST_FIELDS.to_owned()
        } else {
            fields.join(",")
        };
        let token = self.page_token().await?;
        let request = GraphRequest::get(RequestSpec::idempotent("get_post"), post_id)
            .query("fields", fields)
            .token(&token);
        self.graph().send_json(&request).await
    }

    /// Lists the Page's feed, newest first. Pass the previous page's
    /// [`Paged::after`] cursor to read on; `limit` is the page size.
    pub async fn list_posts(&self, after: Option<&str>, limit: u32) -> Result<Paged<Post>> {
        if limit == 0 || limit > 100 {
            return Err(Error::invalid_input(
                "limit",
                format!("is {limit}; use 1 to 100"),
            ));
        }
        let token = self.page_token().await?;
        let path = format!("{}/feed", self.page_id());
        let mut request = GraphRequest::get(RequestSpec::idempotent("list_posts"), path)
            .query("fields", DEFAULT_POST_FIELDS)
            .query("limit", limit.to_string())
            .token(&token);
        if let Some(cursor) = after {
            request = request.query("after", cursor);
        }
        self.graph().send_json(&request).await
    }

    /// Replaces a post's text with `POST /{post-id}`. Graph lets an app edit
    /// only the posts it created; the id must belong to this client's Page.
    pub async fn update_post(&self, post_id: &str, message: &str) -> Result<()> {
        let post_id = self.check_own_post(post_id)?;
        if message.trim().is_empty() {
            return Err(Error::invalid_input(
                "message",
                "is empty; pass the new text",
            ));
        }
        check_text("message", message)?;
        let token = self.page_token().await?;
        // Setting the same text twice leaves the same post, so a retry is safe.
        let request = GraphRequest::post(RequestSpec::idempotent("update_post"), post_id)
            .json(json!({ "message": message }))
            .token(&token);
        expect_success(&self.graph().send(&request).await?)
    }

    /// Deletes a post, photo or video with a real `DELETE` request.
    pub async fn delete_post(&self, post_id: &str) -> Result<()> {
        let post_id = check_object_id("post_id", post_id)?;
        let token = self.page_token().await?;
        let request =
            GraphRequest::delete(RequestSpec::idempotent("delete_post"), post_id).token(&token);
        expect_success(&self.graph().send(&request).await?)
    }

    fn check_own_post<'a>(&self, post_id: &'a str) -> Result<&'a str> {
        let post_id = check_object_id("post_id", post_id)?;
        match post_id.split_once('_') {
            Some((page, _)) if page == self.page_id() => Ok(post_id),
            _ => Err(Error::invalid_input(
                "post_id",
                format!(
                    "`{post_id}` is not a post of Page {}; only the Page's own posts \
                     (<page-id>_<post-id>) can be updated",
                    self.page_id()
                ),
            )),
        }
    }
}
