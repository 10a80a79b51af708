//! Exchange steps shared by the pages and the API: submitting and changing
//! items (files checked by their content), moderating them, the partners'
//! interest form and the administrator's decision. Each change is one
//! transaction, audited; emails go through the outbox in it.

use serde::{Deserialize, Serialize};

use super::rules::{self, Draft, Interest};
use super::store::{self, FileRef, ItemRow, Listed, Partner};
use crate::audit::{self, Entry};
use crate::auth::policy::{self, Action};
use crate::auth::{Actor, CurrentUser, Grant, Role};
use crate::plan::evidence;
use crate::state::AppState;
use crate::time::now_ms;
use crate::web::{Input, Refusal};

/// An uploaded file as received.
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// An item with everything a page or the API shows about it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemView {
    pub id: i64,
    /// `resource` or `event`.
    pub kind: String,
    pub title: String,
    pub summary: String,
    /// A web address, or empty.
    pub url: String,
    /// The uploaded file's name, when there is one (download it from
    /// `/exchange/items/{id}/file`).
    pub file_name: Option<String>,
    pub file_size: Option<i64>,
    pub source_org: String,
    /// YYYY-MM-DD.
    pub issued_on: String,
    /// (key, words)
    pub audience: Vec<(String, String)>,
    /// (key, name)
    pub topics: Vec<(String, String)>,
    /// Events: Unix milliseconds and the event's time zone.
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
    pub time_zone: Option<String>,
    pub place: String,
    /// pending, published, rejected or withdrawn.
    pub status: String,
    /// Why it was rejected (shown to its partner and administrators).
    pub moderation_note: String,
    /// Unix milliseconds.
    pub published_at: Option<i64>,
    #[serde(skip)]
    pub submitted_by: Option<i64>,
    #[serde(skip)]
    pub uid: Option<String>,
    #[serde(skip)]
    pub sequence: i64,
    #[serde(skip)]
    pub updated_at: i64,
    #[serde(skip)]
    pub file_key: Option<String>,
    #[serde(skip)]
    pub file_type: Option<String>,
}

impl ItemView {
    pub fn when(&self) -> String {
        match (self.starts_at, self.ends_at, &self.time_zone) {
            (Some(s), Some(e), Some(z)) => crate::activity::describe_span(s, e, z),
            _ => String::new(),
        }
    }

    pub fn is_event(&self) -> bool {
        self.kind == "event"
    }

    pub fn is_published(&self) -> bool {
        self.status == "published"
    }

    /// The item as a form shows it, to change it.
    pub fn draft(&self) -> Draft {
        let (date, start, end_date, end) = match (self.starts_at, self.ends_at, &self.time_zone) {
            (Some(s), Some(e), Some(z)) => {
                let w = crate::activity::when_of(s, e, z);
                let end_day = crate::activity::local_date(e, z);
                let end_date = if end_day == w.date {
                    String::new()
                } else {
                    end_day
                };
                (w.date, w.start, end_date, w.end)
            }
            _ => Default::default(),
        };
        Draft {
            kind: self.kind.clone(),
            title: self.title.clone(),
            summary: self.summary.clone(),
            url: self.url.clone(),
            source_org: self.source_org.clone(),
            issued_on: self.issued_on.clone(),
            audience: self.audience.iter().map(|(k, _)| k.clone()).collect(),
            topics: self.topics.iter().map(|(k, _)| k.clone()).collect(),
            date,
            start,
            end_date,
            end,
            time_zone: self.time_zone.clone().unwrap_or_default(),
            place: self.place.clone(),
        }
    }

    /// The event as a calendar file.
    pub fn ics(&self, link: &str) -> Option<String> {
        let (Some(s), Some(e)) = (self.starts_at, self.ends_at) else {
            return None;
        };
        let event = crate::activity::ics::Event {
            uid: self
                .uid
                .clone()
                .unwrap_or_else(|| format!("exchange-{}@waymark", self.id)),
            sequence: self.sequence,
            stamp_ms: self.updated_at,
            starts_at: s,
            ends_at: e,
            summary: self.title.clone(),
            description: format!("{}\n\n{}\n{}", self.summary, self.source_org, link),
            location: self.place.clone(),
            cancelled: self.status == "withdrawn",
            url: link.to_owned(),
        };
        Some(crate::activity::ics::calendar(None, &[event]))
    }
}

fn view(state: &AppState, row: ItemRow, topics: Vec<String>) -> ItemView {
    let names = super::topics::all(&state.frameworks);
    ItemView {
        id: row.id,
        kind: row.kind,
        title: row.title,
        summary: row.summary,
        url: row.url,
        file_name: row.file_name,
        file_size: row.file_size,
        source_org: row.source_org,
        issued_on: row.issued_on,
        audience: row
            .audience
            .split(',')
            .filter(|k| !k.is_empty())
            .map(|k| (k.to_owned(), super::audience_label(k).to_owned()))
            .collect(),
        topics: topics
            .into_iter()
            .map(|k| {
                let name = names
                    .iter()
                    .find(|t| t.key == k)
                    .map(|t| t.name.clone())
                    .unwrap_or_else(|| k.clone());
                (k, name)
            })
            .collect(),
        starts_at: row.starts_at,
        ends_at: row.ends_at,
        time_zone: row.time_zone,
        place: row.place,
        status: row.status,
        moderation_note: row.moderation_note,
        published_at: row.published_at,
        submitted_by: row.submitted_by,
        uid: row.uid,
        sequence: row.sequence,
        updated_at: row.updated_at,
        file_key: row.file_key,
        file_type: row.file_type,
    }
}

/// Whether this person may see an item that is not (or no longer) public:
/// administrators, and the partner who submitted it.
pub fn may_see_unpublished(user: Option<&CurrentUser>, item: &ItemView) -> bool {
    user.is_some_and(|u| {
        policy::allows(u, &Action::ManageExchange)
            || (item.submitted_by == Some(u.id)
                && policy::allows(u, &Action::ViewExchangeSubmission { own: true }))
    })
}

/// Whether this person may change the item: administrators always, its
/// partner while it waits for moderation.
pub fn may_edit(user: &CurrentUser, item: &ItemView) -> bool {
    policy::allows(user, &Action::ManageExchange)
        || (item.submitted_by == Some(user.id)
            && item.status == "pending"
            && policy::allows(user, &Action::SubmitExchangeItem))
}

/// An item as `viewer` may see it: published, or theirs to see; otherwise
/// not found (an unpublished item's existence is not told).
pub async fn item(
    state: &AppState,
    viewer: Option<&CurrentUser>,
    id: i64,
) -> Result<ItemView, Refusal> {
    let pool = &state.db.pool;
    let row = store::item(pool, id).await?.ok_or(Refusal::NotFound)?;
    let topics = store::topics_of(pool, id).await?;
    let v = view(state, row, topics);
    if v.is_published() || may_see_unpublished(viewer, &v) {
        Ok(v)
    } else {
        Err(Refusal::NotFound)
    }
}

/// The item the actor may change (administrators: any; partners: their
/// own while it waits for moderation); someone else's is refused like any
/// other, a moderated one of their own is a conflict.
pub async fn editable(state: &AppState, actor: &Actor, id: i64) -> Result<ItemView, Refusal> {
    actor.may(state, Action::SubmitExchangeItem).await?;
    let user = &actor.user;
    let someone_elses = Action::ViewExchangeSubmission { own: false };
    let item = match item(state, Some(user), id).await {
        Ok(i) => i,
        Err(Refusal::NotFound) if !policy::allows(user, &Action::ManageExchange) => {
            actor.may(state, someone_elses).await?;
            return Err(Refusal::NotFound);
        }
        Err(e) => return Err(e),
    };
    if !may_edit(user, &item) {
        if item.submitted_by != Some(user.id) {
            actor.may(state, someone_elses).await?;
        }
        return Err(Refusal::Conflict(
            "This item has been moderated, so it can no longer be changed here. Write to the Exchange's administrators to change it.".into(),
        ));
    }
    Ok(item)
}

/// The actor's own submissions with their organization's name (partners).
pub async fn own_submissions(
    state: &AppState,
    actor: &Actor,
) -> Result<(Vec<Listed>, Option<String>), Refusal> {
    let own = Action::ViewExchangeSubmission { own: true };
    actor.may(state, own).await?;
    let pool = &state.db.pool;
    let items = store::submitted_by(pool, actor.user.id).await?;
    let organization = store::partner_of_user(pool, actor.user.id).await?;
    Ok((items, organization.map(|p| p.organization)))
}

/// A partner's own submissions; for administrators, everything waiting
/// for moderation.
pub async fn submissions(state: &AppState, actor: &Actor) -> Result<Vec<Listed>, Refusal> {
    if actor.allows(&Action::ManageExchange) {
        return Ok(store::pending(&state.db.pool).await?);
    }
    Ok(own_submissions(state, actor).await?.0)
}

/// What waits for a moderator: items and partners' interest forms
/// (administrators).
pub async fn waiting(
    state: &AppState,
    actor: &Actor,
) -> Result<(Vec<Listed>, Vec<Partner>), Refusal> {
    let partners = partners(state, actor).await?;
    let items = store::pending(&state.db.pool).await?;
    let waiting = partners.into_iter().filter(|p| p.status == "pending");
    Ok((items, waiting.collect()))
}

/// Every partner organization and interest form, those waiting first
/// (administrators).
pub async fn partners(state: &AppState, actor: &Actor) -> Result<Vec<Partner>, Refusal> {
    actor.may(state, Action::ManageExchange).await?;
    Ok(store::partners(&state.db.pool).await?)
}

/// One partner organization or interest form (administrators).
pub async fn partner(state: &AppState, actor: &Actor, id: i64) -> Result<Partner, Refusal> {
    actor.may(state, Action::ManageExchange).await?;
    store::partner(&state.db.pool, id)
        .await?
        .ok_or(Refusal::NotFound)
}

/// The item's uploaded file: (name, content type, bytes).
pub async fn file(
    state: &AppState,
    viewer: Option<&CurrentUser>,
    id: i64,
) -> Result<(String, String, Vec<u8>), Refusal> {
    let v = item(state, viewer, id).await?;
    let (Some(key), Some(name), Some(kind)) = (v.file_key, v.file_name, v.file_type) else {
        return Err(Refusal::NotFound);
    };
    let bytes = state.storage.get(&key).await?;
    Ok((name, kind, bytes))
}

/// Checks an uploaded file by its content and stores it; answers where.
async fn store_file(
    state: &AppState,
    upload: &Upload,
) -> Result<(String, String, String, i64), Refusal> {
    let checked = evidence::check_exchange(&upload.bytes, &upload.name)
        .map_err(|m| Refusal::field("file", m))?;
    let key = crate::storage::new_key("exchange", checked.kind.extension());
    state.storage.put(&key, upload.bytes.clone()).await?;
    Ok((
        key,
        checked.name,
        checked.kind.content_type().to_owned(),
        upload.bytes.len() as i64,
    ))
}

/// Adds an item: an administrator's is published at once, a partner's
/// waits for moderation. Answers its id.
pub async fn submit(
    state: &AppState,
    actor: &Actor,
    input: impl Input<Draft>,
    upload: Option<Upload>,
) -> Result<i64, Refusal> {
    actor.may(state, Action::SubmitExchangeItem).await?;
    let draft = &input.read()?;
    let (user, ip) = (&actor.user, actor.ip.as_str());
    let manages = policy::allows(user, &Action::ManageExchange);
    // Check the fields first, so a bad form stores no file.
    let checked = rules::check(&state.frameworks, draft, upload.is_some());
    let valid = match checked {
        Ok(v) => v,
        Err(mut problems) => {
            if let Some(u) = &upload
                && let Err(m) = evidence::check_exchange(&u.bytes, &u.name)
            {
                problems.push(("file", m));
            }
            return Err(Refusal::fields(problems));
        }
    };
    let file = match &upload {
        Some(u) => Some(store_file(state, u).await?),
        None => None,
    };
    let file_ref = file.as_ref().map(|(key, name, kind, size)| FileRef {
        key,
        name,
        content_type: kind,
        size: *size,
    });
    let now = now_ms();
    let recorded = async {
        let mut tx = state.db.begin().await?;
        let partner = store::partner_of_user(&mut *tx, user.id).await?;
        let status = if manages { "published" } else { "pending" };
        let uid = (valid.kind == "event")
            .then(|| format!("exchange-{}@waymark", crate::auth::secret::random_token()));
        let id = store::insert(
            &mut tx,
            &valid,
            file_ref.as_ref(),
            status,
            partner.map(|p| p.id),
            Some(user.id),
            uid.as_deref(),
            now,
        )
        .await?;
        audit::write(
            &mut *tx,
            &Entry::new(user.actor(), ip, "exchange_submit")
                .record("exchange_item", id)
                .detail(format!("{} \"{}\" ({status})", valid.kind, valid.title)),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, Refusal>(id)
    }
    .await;
    if recorded.is_err() {
        remove_file(state, file.as_ref().map(|f| f.0.as_str())).await;
    }
    recorded
}

/// Removes a stored file that nothing refers to (its change failed, or a
/// new file replaced it); a failure is logged, not shown.
async fn remove_file(state: &AppState, key: Option<&str>) {
    if let Some(key) = key
        && let Err(e) = state.storage.delete(key).await
    {
        tracing::warn!(error = %e, "could not remove an Exchange file");
    }
}

/// Changes an item (administrators: any; partners: their own while it
/// waits). A new file replaces the old one.
pub async fn edit(
    state: &AppState,
    actor: &Actor,
    id: i64,
    input: impl Input<Draft>,
    upload: Option<Upload>,
) -> Result<(), Refusal> {
    let current = editable(state, actor, id).await?;
    let draft = &input.read()?;
    let (user, ip) = (&actor.user, actor.ip.as_str());
    let has_file = upload.is_some() || current.file_key.is_some();
    let valid = match rules::check(&state.frameworks, draft, has_file) {
        Ok(v) => v,
        Err(mut problems) => {
            if let Some(u) = &upload
                && let Err(m) = evidence::check_exchange(&u.bytes, &u.name)
            {
                problems.push(("file", m));
            }
            return Err(Refusal::fields(problems));
        }
    };
    let file = match &upload {
        Some(u) => Some(store_file(state, u).await?),
        None => None,
    };
    let file_ref = file.as_ref().map(|(key, name, kind, size)| FileRef {
        key,
        name,
        content_type: kind,
        size: *size,
    });
    let uid = (valid.kind == "event")
        .then(|| format!("exchange-{}@waymark", crate::auth::secret::random_token()));
    let recorded = async {
        let mut tx = state.db.begin().await?;
        store::update(
            &mut tx,
            id,
            &valid,
            file_ref.as_ref(),
            uid.as_deref(),
            now_ms(),
        )
        .await?;
        audit::write(
            &mut *tx,
            &Entry::new(user.actor(), ip, "exchange_edit")
                .record("exchange_item", id)
                .detail(format!("{} \"{}\"", valid.kind, valid.title)),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, Refusal>(())
    }
    .await;
    match (&recorded, &file) {
        // The new file replaced the old one, which nothing refers to now.
        (Ok(()), Some(_)) => remove_file(state, current.file_key.as_deref()).await,
        (Err(_), Some((key, ..))) => remove_file(state, Some(key)).await,
        (_, None) => {}
    }
    recorded
}

/// A moderator's decision on an item.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct Moderation {
    /// `publish`, `reject` (a note is needed: it is emailed to the
    /// partner) or `withdraw` (takes a published item out of the library).
    #[schema(schema_with = moderation_actions)]
    pub action: String,
    pub note: String,
}

/// Publishes, rejects or withdraws an item (administrators), telling its
/// partner by email.
pub async fn moderate(
    state: &AppState,
    actor: &Actor,
    id: i64,
    input: impl Input<Moderation>,
) -> Result<String, Refusal> {
    actor.may(state, Action::ManageExchange).await?;
    let m = &input.read()?;
    let (user, ip) = (&actor.user, actor.ip.as_str());
    let current = item(state, Some(user), id).await?;
    let note = rules::clean(&m.note, true);
    if note.chars().count() > 2000 {
        return Err(Refusal::field("note", "Use at most 2,000 characters."));
    }
    let (status, verb) = match m.action.as_str() {
        "publish" => ("published", "published"),
        "reject" => ("rejected", "not published"),
        "withdraw" => ("withdrawn", "withdrawn from the Exchange"),
        _ => {
            return Err(Refusal::field(
                "action",
                "Choose publish, reject or withdraw.",
            ));
        }
    };
    if status == "rejected" && note.is_empty() {
        return Err(Refusal::field(
            "note",
            "Say why it is not published: the partner reads this note.",
        ));
    }
    let allowed_from: &[&str] = match status {
        "published" => &["pending", "rejected", "withdrawn"],
        "rejected" => &["pending"],
        _ => &["published", "pending"],
    };
    if !allowed_from.contains(&current.status.as_str()) {
        return Err(Refusal::Conflict(format!(
            "This item is {} already; nothing was changed.",
            current.status
        )));
    }
    let mut tx = state.db.begin().await?;
    store::moderate(&mut tx, id, status, &note, user.id, now_ms()).await?;
    if let Some(by) = current.submitted_by
        && by != user.id
        && let Some((name, email)) = store::contact(&mut *tx, by).await?
    {
        let mut paragraphs = vec![format!(
            "Your {} \"{}\" has been {verb}.",
            current.kind, current.title
        )];
        if !note.is_empty() {
            paragraphs.push(format!("The moderator's note: {note}"));
        }
        let link = state.config.link(&format!("/exchange/items/{id}"));
        let mail = crate::mail::templates::notice(
            &email,
            &name,
            &format!("Your Exchange submission was {verb}"),
            &paragraphs,
            Some(("See the item", &link)),
        )
        .map_err(|e| Refusal::Internal(e.into()))?;
        crate::mail::enqueue(&mut tx, &mail).await?;
    }
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "exchange_moderate")
            .record("exchange_item", id)
            .detail(format!("{status}: \"{}\"", current.title)),
    )
    .await?;
    tx.commit().await?;
    Ok(status.to_owned())
}

/// At most this many interest forms from one address an hour.
pub const FORMS_PER_HOUR: i64 = 3;

/// Records a partner organization's interest form (anyone may send it).
pub async fn apply(
    state: &AppState,
    actor: (Option<i64>, String),
    ip: &str,
    form: &Interest,
) -> Result<i64, Refusal> {
    let form = rules::check_interest(form).map_err(Refusal::fields)?;
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    if store::recent_forms(&mut *tx, &form.contact_email, now - 3_600_000).await? >= FORMS_PER_HOUR
    {
        return Err(Refusal::field(
            "contact_email",
            "We already have several forms from this address in the last hour. We will be in touch.",
        ));
    }
    let id = store::insert_partner(&mut *tx, &form, now).await?;
    audit::write(
        &mut *tx,
        &Entry::new(actor, ip, "exchange_partner_interest")
            .record("exchange_partner", id)
            .detail(format!("{} ({})", form.organization, form.contact_email)),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The administrator's decision on an interest form.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[schema(as = ModerationDecision)]
#[serde(default)]
pub struct Decision {
    /// `approve` or `decline`.
    #[schema(schema_with = interest_decisions)]
    pub decision: String,
    /// Emailed to the contact (needed to decline).
    pub note: String,
}

/// Approves (the contact gets a partner account: a new one is invited to
/// choose a password, an existing one gets the role) or declines.
pub async fn decide(
    state: &AppState,
    actor: &Actor,
    partner_id: i64,
    input: impl Input<Decision>,
) -> Result<Partner, Refusal> {
    actor.may(state, Action::ManageExchange).await?;
    let d = &input.read()?;
    let (user, ip) = (&actor.user, actor.ip.as_str());
    let partner = store::partner(&state.db.pool, partner_id)
        .await?
        .ok_or(Refusal::NotFound)?;
    let note = rules::clean(&d.note, true);
    let approve = match d.decision.as_str() {
        "approve" => true,
        "decline" => false,
        _ => return Err(Refusal::field("decision", "Choose approve or decline.")),
    };
    if !approve && note.is_empty() {
        return Err(Refusal::field(
            "note",
            "Say why, in a sentence or two: the organization reads this note.",
        ));
    }
    if partner.status != "pending" {
        return Err(Refusal::Conflict(format!(
            "This organization was {} already; nothing was changed.",
            partner.status
        )));
    }
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let mut account = None;
    if approve {
        let grant = Grant {
            role: Role::Partner,
            program_id: None,
            state_code: None,
        };
        match crate::auth::store::find_user_by_email(&mut *tx, &partner.contact_email).await? {
            Some(existing) => {
                if !store::is_partner(&mut *tx, existing.id).await? {
                    crate::auth::store::add_grant(&mut *tx, existing.id, &grant, now).await?;
                }
                let mut paragraphs = vec![format!(
                    "{} is now a partner of the Career Pathways Exchange. Sign in with your account to submit resources and events.",
                    partner.organization
                )];
                if !note.is_empty() {
                    paragraphs.push(note.clone());
                }
                let link = state.config.link("/exchange/submissions");
                let mail = crate::mail::templates::notice(
                    &existing.email,
                    &existing.name,
                    "Your organization is an Exchange partner",
                    &paragraphs,
                    Some(("Your submissions", &link)),
                )
                .map_err(|e| Refusal::Internal(e.into()))?;
                crate::mail::enqueue(&mut tx, &mail).await?;
                account = Some(existing.id);
            }
            None => {
                let id = crate::auth::store::insert_user(
                    &mut *tx,
                    &partner.contact_email,
                    &partner.contact_name,
                    None,
                    now,
                )
                .await?;
                crate::auth::store::add_grant(&mut *tx, id, &grant, now).await?;
                crate::auth::invite::send_link(
                    state,
                    &mut tx,
                    id,
                    &partner.contact_email,
                    &partner.contact_name,
                    crate::auth::invite::LinkEmail::Invite {
                        inviter: &user.name,
                        role: &format!("{} ({})", grant.describe(), partner.organization),
                    },
                )
                .await?;
                account = Some(id);
            }
        }
    } else {
        let mail = crate::mail::templates::notice(
            &partner.contact_email,
            &partner.contact_name,
            "Your request to share on the Career Pathways Exchange",
            &[
                format!(
                    "Thank you for offering to share {}'s resources on the Career Pathways Exchange. We are not adding your organization as a partner at this time.",
                    partner.organization
                ),
                note.clone(),
            ],
            None,
        )
        .map_err(|e| Refusal::Internal(e.into()))?;
        crate::mail::enqueue(&mut tx, &mail).await?;
    }
    let status = if approve { "approved" } else { "declined" };
    store::decide_partner(&mut tx, partner_id, status, account, &note, user.id, now).await?;
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "exchange_partner_decision")
            .record("exchange_partner", partner_id)
            .detail(format!("{status}: {}", partner.organization)),
    )
    .await?;
    tx.commit().await?;
    store::partner(&state.db.pool, partner_id)
        .await?
        .ok_or(Refusal::NotFound)
}

fn moderation_actions() -> utoipa::openapi::schema::Object {
    crate::web::api::one_of(&["publish", "reject", "withdraw"])
}

fn interest_decisions() -> utoipa::openapi::schema::Object {
    crate::web::api::one_of(&["approve", "decline"])
}
