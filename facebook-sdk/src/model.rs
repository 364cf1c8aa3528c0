//! Response types of the Pages endpoints. Ids are strings, read exactly
//! whether Graph sends them as strings or numbers; unknown fields are ignored.

use serde::Deserialize;
use social_core::{Response, Result, Secret, UnexpectedBody};

use crate::graph::ids;

/// A created Page post.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct PostCreated {
    /// The post id, `<page-id>_<post-id>`.
    #[serde(deserialize_with = "ids::string")]
    pub id: String,
    /// The post's URL, when the request asked for `permalink_url`.
    #[serde(default)]
    pub permalink_url: Option<String>,
}

/// A photo uploaded to the Page.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct PhotoCreated {
    /// The photo id.
    #[serde(deserialize_with = "ids::string")]
    pub id: String,
    /// The id of the post showing the photo; absent for unpublished photos.
    #[serde(default, deserialize_with = "ids::optional_string")]
    pub post_id: Option<String>,
}

/// A Page post as read back.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Post {
    /// The post id.
    #[serde(deserialize_with = "ids::string")]
    pub id: String,
    /// The text.
    #[serde(default)]
    pub message: Option<String>,
    /// Creation time as Graph writes it, such as `2019-01-02T18:31:28+0000`.
    #[serde(default)]
    pub created_time: Option<String>,
    /// The post's URL.
    #[serde(default)]
    pub permalink_url: Option<String>,
    /// Every other field that was requested.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// A Page the user of a user token can act on, from `GET /me/accounts`.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct ManagedPage {
    /// The Page id.
    #[serde(deserialize_with = "ids::string")]
    pub id: String,
    /// The Page name.
    #[serde(default)]
    pub name: Option<String>,
    /// The user's tasks on the Page; publishing needs `CREATE_CONTENT`.
    #[serde(default)]
    pub tasks: Vec<String>,
    /// The Page token.
    #[serde(default)]
    pub access_token: Option<Secret>,
}

impl ManagedPage {
    /// Tells whether the user may publish on the Page (`CREATE_CONTENT`).
    pub fn can_publish(&self) -> bool {
        self.tasks.iter().any(|t| t == "CREATE_CONTENT")
    }
}

/// Checks a `{"success":true}` response. Older versions returned a bare `true`.
pub(crate) fn expect_success(response: &Response) -> Result<()> {
    let value = response.json_value()?;
    let success = value
        .get("success")
        .and_then(serde_json::Value::as_bool)
        .or_else(|| value.as_bool());
    match success {
        Some(true) => Ok(()),
        Some(false) => Err(response
            .unexpected(
                UnexpectedBody::MissingField,
                "the platform answered success: false",
            )
            .into()),
        None => Err(response
            .unexpected(UnexpectedBody::MissingField, "missing field `success`")
            .into()),
    }
}
