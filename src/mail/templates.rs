//! Each email is a subject and two askama templates (text and HTML).

use askama::Template;

use super::Email;

#[derive(Template)]
#[template(path = "mail/invite.txt")]
struct InviteText<'a> {
    name: &'a str,
    inviter: &'a str,
    role: &'a str,
    link: &'a str,
    hours: u64,
}

#[derive(Template)]
#[template(path = "mail/invite.html")]
struct InviteHtml<'a> {
    name: &'a str,
    inviter: &'a str,
    role: &'a str,
    link: &'a str,
    hours: u64,
}

pub fn invitation(
    to: &str,
    name: &str,
    inviter: &str,
    role: &str,
    link: &str,
    hours: u64,
) -> askama::Result<Email> {
    Ok(Email {
        to: to.to_owned(),
        subject: "You are invited to Waymark".to_owned(),
        text: InviteText {
            name,
            inviter,
            role,
            link,
            hours,
        }
        .render()?,
        html: InviteHtml {
            name,
            inviter,
            role,
            link,
            hours,
        }
        .render()?,
        headers: vec![],
    })
}

#[derive(Template)]
#[template(path = "mail/reset.txt")]
struct ResetText<'a> {
    name: &'a str,
    link: &'a str,
    hours: u64,
}

#[derive(Template)]
#[template(path = "mail/reset.html")]
struct ResetHtml<'a> {
    name: &'a str,
    link: &'a str,
    hours: u64,
}

pub fn password_reset(to: &str, name: &str, link: &str, hours: u64) -> askama::Result<Email> {
    Ok(Email {
        to: to.to_owned(),
        subject: "Set a new Waymark password".to_owned(),
        text: ResetText { name, link, hours }.render()?,
        html: ResetHtml { name, link, hours }.render()?,
        headers: vec![],
    })
}

#[derive(Template)]
#[template(path = "mail/register.txt")]
struct RegisterText<'a> {
    name: &'a str,
    program: &'a str,
    link: &'a str,
    hours: u64,
}

#[derive(Template)]
#[template(path = "mail/register.html")]
struct RegisterHtml<'a> {
    name: &'a str,
    program: &'a str,
    link: &'a str,
    hours: u64,
}

pub fn registration(
    to: &str,
    name: &str,
    program: &str,
    link: &str,
    hours: u64,
) -> askama::Result<Email> {
    Ok(Email {
        to: to.to_owned(),
        subject: "Confirm your email address for Waymark".to_owned(),
        text: RegisterText {
            name,
            program,
            link,
            hours,
        }
        .render()?,
        html: RegisterHtml {
            name,
            program,
            link,
            hours,
        }
        .render()?,
        headers: vec![],
    })
}

#[derive(Template)]
#[template(path = "mail/already_registered.txt")]
struct AlreadyText<'a> {
    signin: &'a str,
    reset: &'a str,
}

#[derive(Template)]
#[template(path = "mail/already_registered.html")]
struct AlreadyHtml<'a> {
    signin: &'a str,
    reset: &'a str,
}

/// Sent when someone registers with an address that has an account, so
/// the page never tells a stranger which addresses exist.
pub fn already_registered(to: &str, signin: &str, reset: &str) -> askama::Result<Email> {
    Ok(Email {
        to: to.to_owned(),
        subject: "You already have a Waymark account".to_owned(),
        text: AlreadyText { signin, reset }.render()?,
        html: AlreadyHtml { signin, reset }.render()?,
        headers: vec![],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitation_has_both_parts_with_the_link_and_escapes_names() {
        let e = invitation(
            "a@b.gov",
            "Ana <script>",
            "Pat",
            "Coach",
            "http://x/password/set?token=T",
            72,
        )
        .unwrap();
        assert!(e.text.contains("http://x/password/set?token=T"));
        assert!(e.text.contains("72 hours"));
        assert!(e.html.contains("href=\"http://x/password/set?token=T\""));
        assert!(
            e.html.contains("Ana &#60;script&#62;") || e.html.contains("Ana &lt;script&gt;"),
            "{}",
            e.html
        );
    }
}

#[derive(Template)]
#[template(path = "mail/notice.txt")]
struct NoticeText<'a> {
    name: &'a str,
    paragraphs: &'a [String],
    link: Option<(&'a str, &'a str)>,
}

#[derive(Template)]
#[template(path = "mail/notice.html")]
struct NoticeHtml<'a> {
    name: &'a str,
    paragraphs: &'a [String],
    link: Option<(&'a str, &'a str)>,
}

/// A plain notice: a greeting, paragraphs, and perhaps one link
/// (decisions, team changes, coach assignments).
pub fn notice(
    to: &str,
    name: &str,
    subject: &str,
    paragraphs: &[String],
    link: Option<(&str, &str)>,
) -> askama::Result<Email> {
    Ok(Email {
        to: to.to_owned(),
        subject: subject.to_owned(),
        text: NoticeText {
            name,
            paragraphs,
            link,
        }
        .render()?,
        html: NoticeHtml {
            name,
            paragraphs,
            link,
        }
        .render()?,
        headers: vec![],
    })
}
