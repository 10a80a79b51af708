//! Email. Every message is first written to the outbox in the caller's
//! transaction, with a job to deliver it; the job runner then sends it over
//! SMTP, or into `<data_dir>/mail` when no SMTP relay is set. Each message
//! carries a Message-ID made from its outbox id, so a retry after a crash
//! can be recognised as the same message.

pub mod templates;

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart, header::ContentType};
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncFileTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::AnyConnection;

use crate::config::Config;
use crate::db::Db;
use crate::time::now_ms;

/// An email ready to queue.
#[derive(Debug, Clone)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Extra headers (for example List-Unsubscribe).
    pub headers: Vec<(String, String)>,
}

/// Writes the email to the outbox and queues its delivery, in the caller's
/// transaction: if the change that causes the email rolls back, so does
/// the email.
pub async fn enqueue(conn: &mut AnyConnection, email: &Email) -> sqlx::Result<i64> {
    let now = now_ms();
    let headers = serde_json::to_string(&email.headers).unwrap_or_else(|_| "[]".into());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO outbox (to_addr, subject, text_body, html_body, headers, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING id",
    )
    .bind(&email.to)
    .bind(&email.subject)
    .bind(&email.text)
    .bind(&email.html)
    .bind(headers)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    crate::jobs::enqueue(conn, &crate::jobs::Job::SendEmail { outbox_id: id }, now).await?;
    Ok(id)
}

/// to, subject, text, HTML, headers, sent at, dropped at.
type OutboxRow = (
    String,
    String,
    String,
    String,
    String,
    Option<i64>,
    Option<i64>,
);

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Folder(AsyncFileTransport<Tokio1Executor>),
}

pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    domain: String,
}

impl Mailer {
    pub fn new(config: &Config) -> anyhow::Result<Mailer> {
        let transport = match &config.smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?
                    .timeout(Some(Duration::from_secs(30)))
                    .build(),
            ),
            None => {
                std::fs::create_dir_all(config.mail_dir())?;
                Transport::Folder(AsyncFileTransport::<Tokio1Executor>::new(config.mail_dir()))
            }
        };
        let from: Mailbox = config.mail_from.parse()?;
        let domain = config.base_url.host_str().unwrap_or("localhost").to_owned();
        Ok(Mailer {
            transport,
            from,
            domain,
        })
    }

    /// Delivers one outbox message unless it was already sent (or dropped).
    pub async fn deliver(&self, db: &Db, outbox_id: i64) -> anyhow::Result<()> {
        let row: Option<OutboxRow> = sqlx::query_as(
            "SELECT to_addr, subject, text_body, html_body, headers, sent_at, cancelled_at FROM outbox WHERE id = $1",
        )
        .bind(outbox_id)
        .fetch_optional(&db.pool)
        .await?;
        let Some((to, subject, text, html, headers, sent_at, cancelled_at)) = row else {
            anyhow::bail!("outbox message {outbox_id} does not exist");
        };
        if sent_at.is_some() || cancelled_at.is_some() {
            return Ok(());
        }
        let headers: Vec<(String, String)> = serde_json::from_str(&headers).unwrap_or_default();
        self.send(db, outbox_id, &to, &subject, text, html, &headers)
            .await
    }

    /// Sends one outbox message as given and records the outcome on its
    /// row (used by `deliver`, and by senders that fill in a shared body).
    #[allow(clippy::too_many_arguments)]
    pub async fn send(
        &self,
        db: &Db,
        outbox_id: i64,
        to: &str,
        subject: &str,
        text: String,
        html: String,
        headers: &[(String, String)],
    ) -> anyhow::Result<()> {
        let message = self.build(outbox_id, to, subject, text, html, headers)?;
        let result = match &self.transport {
            Transport::Smtp(t) => t
                .send(message)
                .await
                .map(|_| ())
                .map_err(anyhow::Error::from),
            Transport::Folder(t) => t
                .send(message)
                .await
                .map(|_| ())
                .map_err(anyhow::Error::from),
        };
        match result {
            Ok(()) => {
                sqlx::query("UPDATE outbox SET sent_at = $1, attempts = attempts + 1, last_error = NULL WHERE id = $2")
                    .bind(now_ms())
                    .bind(outbox_id)
                    .execute(&db.pool)
                    .await?;
                Ok(())
            }
            Err(e) => {
                sqlx::query(
                    "UPDATE outbox SET attempts = attempts + 1, last_error = $1 WHERE id = $2",
                )
                .bind(format!("{e:#}"))
                .bind(outbox_id)
                .execute(&db.pool)
                .await?;
                Err(e)
            }
        }
    }

    fn build(
        &self,
        outbox_id: i64,
        to: &str,
        subject: &str,
        text: String,
        html: String,
        headers: &[(String, String)],
    ) -> anyhow::Result<Message> {
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to.parse()?)
            .subject(subject)
            .message_id(Some(message_id(outbox_id, &self.domain)));
        for (name, value) in headers {
            builder = builder.raw_header(lettre::message::header::HeaderValue::new(
                lettre::message::header::HeaderName::new_from_ascii(name.clone())?,
                value.clone(),
            ));
        }
        Ok(builder.multipart(
            MultiPart::alternative()
                .singlepart(
                    lettre::message::SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(text),
                )
                .singlepart(
                    lettre::message::SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(html),
                ),
        )?)
    }
}

/// The Message-ID of an outbox message: the same on every retry.
pub fn message_id(outbox_id: i64, domain: &str) -> String {
    format!("<outbox-{outbox_id}@{domain}>")
}
