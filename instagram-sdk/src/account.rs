//! Finding the Instagram user id and checking that the account can publish.
//!
//! - Facebook Login: `GET /{page-id}?fields=instagram_business_account`. The
//!   field is absent when no professional account is linked to the Page.
//! - Instagram Login: `GET /me?fields=user_id,username,account_type`. The
//!   publishing id is `user_id`; `id` is an app-scoped id that publishing
//!   paths reject. `account_type` must be `BUSINESS` or `MEDIA_CREATOR`.

use facebook_sdk::graph::{GraphRequest, ids};
use serde::Deserialize;
use social_core::{Error, RequestSpec, Response, Result, UnexpectedBody};

use crate::client::{Client, Login};
use crate::error::not_eligible;
use crate::model::Account;

#[derive(Deserialize)]
struct PageBody {
    #[serde(default)]
    instagram_business_account: Option<LinkedAccount>,
}

#[derive(Deserialize)]
struct LinkedAccount {
    #[serde(deserialize_with = "ids::string")]
    id: String,
}

#[derive(Deserialize)]
struct MeBody {
    #[serde(default, deserialize_with = "ids::optional_string")]
    user_id: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    account_type: Option<String>,
}

impl Client {
    /// Returns the Instagram account posts go to, looking it up on first
    /// use and keeping it for later calls.
    ///
    /// Fails with an `AccountNotEligible` API error when the Page has no
    /// linked professional account (Facebook Login), or when the account is
    /// not `BUSINESS` or `MEDIA_CREATOR` (Instagram Login).
    pub async fn account(&self) -> Result<Account> {
        self.inner
            .account
            .get_or_try_init(|| self.look_up_account())
            .await
            .cloned()
    }

    /// Returns the Instagram user id used in publishing paths.
    pub async fn ig_user_id(&self) -> Result<String> {
        Ok(self.account().await?.ig_user_id)
    }

    async fn look_up_account(&self) -> Result<Account> {
        match (self.inner.login, &self.inner.page_id) {
            (Login::Facebook, Some(page_id)) => self.linked_account(page_id).await,
            (Login::Facebook, None) => Err(Error::invalid_input(
                "page_id",
                "is missing; set it so the client can find the Instagram account",
            )),
            (Login::Instagram, _) => self.own_account().await,
        }
    }

    async fn linked_account(&self, page_id: &str) -> Result<Account> {
        let body: PageBody = self
            .send_json(|token| {
                GraphRequest::get(RequestSpec::idempotent("read_linked_account"), page_id)
                    .query("fields", "instagram_business_account")
                    .token(token)
            })
            .await?;
        let Some(linked) = body.instagram_business_account else {
            return Err(not_eligible(format!(
                "the Facebook Page {page_id} has no linked Instagram account; the Instagram account \
                 must be a professional (Business or Creator) account linked to this Page"
            )));
        };
        let ig_user_id = crate::validate::numeric_id("instagram_business_account.id", &linked.id)?;
        Ok(Account {
            ig_user_id,
            username: None,
            account_type: None,
        })
    }

    async fn own_account(&self) -> Result<Account> {
        let response = self
            .send(|token| {
                GraphRequest::get(RequestSpec::idempotent("read_account"), "me")
                    .query("fields", "user_id,username,account_type")
                    .token(token)
            })
            .await?;
        let me = read_me(&response)?;
        let Some(user_id) = me.user_id else {
            return Err(response
                .unexpected(
                    UnexpectedBody::MissingField,
                    "/me has no user_id; the app-scoped id cannot be used for publishing",
                )
                .into());
        };
        let account_type = me.account_type.unwrap_or_default();
        let professional = ["BUSINESS", "MEDIA_CREATOR"]
            .iter()
            .any(|t| account_type.eq_ignore_ascii_case(t));
        if !professional {
            let shown = if account_type.is_empty() {
                "no type"
            } else {
                account_type.as_str()
            };
            return Err(not_eligible(format!(
                "the Instagram account has account_type {shown}; publishing needs a professional \
                 account (BUSINESS or MEDIA_CREATOR), so switch it to Business or Creator in the \
                 Instagram app"
            )));
        }
        Ok(Account {
            ig_user_id: crate::validate::numeric_id("user_id", &user_id)?,
            username: me.username,
            account_type: Some(account_type.to_ascii_uppercase()),
        })
    }
}

/// Reads `/me` as a flat object or wrapped in `{"data":[{...}]}`.
// NOTE: the Get Started page shows the wrapped form while clients observe
// the flat one; both are accepted.
fn read_me(response: &Response) -> Result<MeBody> {
    let value = response.json_value()?;
    let inner = match value.get("data").and_then(|d| d.as_array()) {
        Some(items) => items.first().cloned().unwrap_or_default(),
        None => value.clone(),
    };
    MeBody::deserialize(&inner).map_err(|_| {
        response
            .unexpected(
                UnexpectedBody::MissingField,
                "/me has fields of the wrong type",
            )
            .into()
    })
}
