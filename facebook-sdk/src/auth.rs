//! The Page token: used as configured, or fetched once from a user token.

use serde::Deserialize;
use social_core::{AuthError, Error, Platform, RequestSpec, Result, Secret, TokenSet};

use crate::client::{Client, Credential};
use crate::graph::{GraphRequest, Paged};
use crate::model::ManagedPage;

/// `GET /me/accounts` pages walked at most, 100 Pages each.
const MAX_ACCOUNT_PAGES: usize = 50;

#[derive(Deserialize)]
struct PageTokenBody {
    #[serde(default)]
    access_token: Option<Secret>,
}

impl Client {
    /// Returns the Page token: the configured one, or the one fetched from
    /// the user token on first use (then cached for the client's lifetime).
    ///
    /// Fetching sends `GET /{page-id}?fields=access_token`, then looks the
    /// Page up in `GET /me/accounts` when the first response has no token.
    pub async fn page_token(&self) -> Result<Secret> {
        let user = match &self.inner.credential {
            Credential::Page(token) => return Ok(token.clone()),
            Credential::User(token) => token,
        };
        self.inner
            .page_token
            .get_or_try_init(|| self.fetch_page_token(user))
            .await
            .cloned()
    }

    /// Lists the Pages the user token can act on, following the `after`
    /// cursor (never the `paging.next` URL, which carries the token).
    ///
    /// Needs a client built with `user_token`; a Page token cannot list Pages.
    pub async fn managed_pages(&self) -> Result<Vec<ManagedPage>> {
        let Credential::User(user) = &self.inner.credential else {
            return Err(Error::invalid_input(
                "user_token",
                "is not set; listing Pages needs a user token, not a Page token",
            ));
        };
        let mut pages = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..MAX_ACCOUNT_PAGES {
            // The response carries Page tokens, so an unusable body is kept out
            // of errors and logs.
            let spec = RequestSpec::idempotent("list_accounts").sensitive();
            let mut request = GraphRequest::get(spec, "me/accounts")
                .query("fields", "id,name,access_token,tasks")
                .query("limit", "100")
                .token(user);
            if let Some(cursor) = &after {
                request = request.query("after", cursor.as_str());
            }
            let page: Paged<ManagedPage> = self.inner.graph.send_json(&request).await?;
            after = page.after().map(str::to_owned);
            pages.extend(page.data);
            if after.is_none() {
                break;
            }
        }
        Ok(pages)
    }

    /// Exchanges a short-lived user token for a long-lived one (about 60
    /// days). Needs `app_id` and `app_secret` on the builder; run it on a
    /// server, because it sends the app secret.
    pub async fn exchange_long_lived_token(&self, short_lived_token: &Secret) -> Result<TokenSet> {
        let (app_id, app_secret) = self.app_credentials()?;
        self.inner
            .graph
            .exchange_long_lived_token(app_id, app_secret, short_lived_token)
            .await
    }

    pub(crate) fn app_credentials(&self) -> Result<(&str, &Secret)> {
        let app_id = self.inner.app_id.as_deref().ok_or_else(|| {
            Error::invalid_input(
                "app_id",
                "is not set; set it on the builder from the app dashboard",
            )
        })?;
        let app_secret = self.inner.app_secret.as_ref().ok_or_else(|| {
            Error::invalid_input(
                "app_secret",
                "is not set; set it on the builder from the app dashboard",
            )
        })?;
        Ok((app_id, app_secret))
    }

    async fn fetch_page_token(&self, user: &Secret) -> Result<Secret> {
        let page_id = &self.inner.page_id;
        let spec = RequestSpec::idempotent("fetch_page_token").sensitive();
        let request = GraphRequest::get(spec, page_id.as_str())
            .query("fields", "access_token")
            .token(user);
        let body: PageTokenBody = self.inner.graph.send_json(&request).await?;
        if let Some(token) = body.access_token.filter(|t| !t.is_blank()) {
            tracing::debug!(page_id = %page_id, "fetched the Page token from the user token");
            return Ok(token);
        }

        let listed = self.managed_pages().await?;
        let page = listed.into_iter().find(|p| p.id == *page_id);
        match page.and_then(|p| p.access_token.filter(|t| !t.is_blank())) {
            Some(token) => Ok(token),
            None => Err(AuthError::new(
                Platform::Facebook,
                format!(
                    "the user token gives no access to Page {page_id}: the user needs a task \
                     on the Page (CREATE_CONTENT to publish) and must grant pages_show_list \
                     and pages_manage_posts for this Page when logging in"
                ),
            )
            .into()),
        }
    }
}
