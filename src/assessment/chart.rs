//! The geometry and the words of the assessment's charts, computed here so
//! the templates only draw (DESIGN: hand-written SVG, data table beside):
//! the radar of one snapshot's element scores, and the bars of each
//! element's score across the snapshots (baseline, mid-year, final).
//!
//! Every label's box is estimated from its characters, generously, so the
//! chart's view box holds every label whole and no two labels overlap; the
//! SVG then scales to the screen (the browser tests check the real boxes
//! at 375 and 1280 px).

use std::collections::BTreeMap;

use serde::Serialize;

use super::{ElementScore, SnapshotKind};

/// The size of the radar's labels, in the chart's own units (`site.css`
/// gives the classes the same sizes): large beside the radar, so that they
/// stay readable when the chart shrinks to a phone's width.
pub const RADAR_LABEL_SIZE: f64 = 16.0;
const LINE: f64 = 19.0;
/// The size of the bars' element names.
pub const LABEL_SIZE: f64 = 15.0;
/// The size of the bars' values and of the scale's numbers.
pub const VALUE_SIZE: f64 = 14.0;
/// A generous estimate of a character's width, as a share of the font size
/// (Source Sans Pro averages about 0.5; bold about 0.55).
const CHAR_WIDTH: f64 = 0.58;
const BOLD_CHAR_WIDTH: f64 = 0.64;

/// The estimated width of a text in the charts' units.
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * CHAR_WIDTH
}

/// A score as the tables show it: a whole number, rounded as `{:.0}`
/// rounds (a half to even), so the words and the tables agree.
fn whole(v: f64) -> i64 {
    v.round_ties_even() as i64
}

/// Breaks a label into lines of at most `max` characters, at spaces (a
/// longer word stands on its own line).
pub fn wrap(label: &str, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in label.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= max => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
}

/// A rectangle: left, top, right, bottom.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bounds {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Bounds {
    pub fn overlaps(&self, other: &Bounds) -> bool {
        self.x0 < other.x1 && other.x0 < self.x1 && self.y0 < other.y1 && other.y0 < self.y1
    }

    pub fn within(&self, outer: &Bounds) -> bool {
        self.x0 >= outer.x0 && self.y0 >= outer.y0 && self.x1 <= outer.x1 && self.y1 <= outer.y1
    }

    fn union(&self, other: &Bounds) -> Bounds {
        Bounds {
            x0: self.x0.min(other.x0),
            y0: self.y0.min(other.y0),
            x1: self.x1.max(other.x1),
            y1: self.y1.max(other.y1),
        }
    }

    fn pad(&self, by: f64) -> Bounds {
        Bounds {
            x0: self.x0 - by,
            y0: self.y0 - by,
            x1: self.x1 + by,
            y1: self.y1 + by,
        }
    }

    /// As an SVG view box: "x y width height".
    pub fn view_box(&self) -> String {
        format!(
            "{:.1} {:.1} {:.1} {:.1}",
            self.x0,
            self.y0,
            self.x1 - self.x0,
            self.y1 - self.y0
        )
    }
}

/// One line of a label, at its baseline.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub text: String,
    pub y: f64,
}

// ----- the radar -----

/// One spoke of the radar, with its label.
#[derive(Debug, Clone, Serialize)]
pub struct Axis {
    /// The spoke's outer end.
    pub x: f64,
    pub y: f64,
    pub label_x: f64,
    /// The label's lines, top to bottom.
    pub lines: Vec<Line>,
    /// SVG text-anchor: start, middle or end.
    pub anchor: &'static str,
    /// Where the label is estimated to reach.
    pub bounds: Bounds,
}

/// One set of scores drawn as a polygon, with a marker at each score.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub name: String,
    /// The polygon's points, "x,y x,y ...".
    pub points: String,
    /// The markers, one per score given (none for "not rated").
    pub markers: Vec<(f64, f64)>,
    /// A CSS class for its colour and dash.
    pub class: &'static str,
    /// "dot" or "square": the marker's shape, so colour is not the only
    /// difference between the series.
    pub marker: &'static str,
    /// The line and marker in words, for the key.
    pub look: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Radar {
    /// The view box, holding the rings and every label whole.
    pub view_box: String,
    pub bounds: Bounds,
    pub axes: Vec<Axis>,
    /// The 25, 50, 75 and 100 rings, as polygon points.
    pub rings: Vec<String>,
    pub series: Vec<Series>,
    pub cx: f64,
    pub cy: f64,
}

const RADIUS: f64 = 90.0;
const CX: f64 = 0.0;
const CY: f64 = 0.0;
/// From the spoke's end to its label.
const LABEL_GAP: f64 = 12.0;
/// The most characters on a line of a label beside the radar; labels
/// above and below it have room for a whole short name.
const SIDE_LINE: usize = 11;
const TOP_LINE: usize = 24;

fn point(i: usize, n: usize, r: f64) -> (f64, f64) {
    // The first spoke points straight up; the rest go clockwise.
    let angle = -std::f64::consts::FRAC_PI_2 + i as f64 * std::f64::consts::TAU / n as f64;
    (CX + r * angle.cos(), CY + r * angle.sin())
}

fn polygon(values: &[f64]) -> String {
    let n = values.len();
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let (x, y) = point(i, n, RADIUS * v.clamp(0.0, 100.0) / 100.0);
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A label placed beside its spoke.
struct Placed {
    label_x: f64,
    lines: Vec<Line>,
    anchor: &'static str,
    bounds: Bounds,
}

/// How the label of spoke `i` of `n` is anchored: in the middle above the
/// top spoke and below the bottom one, else beside the spoke's end.
fn anchor_of(i: usize, n: usize) -> &'static str {
    let (px, _) = point(i, n, RADIUS + LABEL_GAP);
    let dx = px - CX;
    if dx.abs() < 1.0 {
        "middle"
    } else if dx > 0.0 {
        "start"
    } else {
        "end"
    }
}

/// Places the label of spoke `i` of `n`, in lines of at most `max`
/// characters: beside the spoke's end, above the top spoke, below the
/// bottom one.
fn axis_label(label: &str, i: usize, n: usize, max: usize) -> Placed {
    let (px, py) = point(i, n, RADIUS + LABEL_GAP);
    let dy = py - CY;
    let anchor = anchor_of(i, n);
    let texts = wrap(label, max);
    let k = texts.len().max(1) as f64;
    let ascent = RADAR_LABEL_SIZE * 0.8;
    let descent = RADAR_LABEL_SIZE * 0.25;
    let first = if anchor == "middle" && dy < 0.0 {
        // Above the top spoke: the last line sits on it.
        py - descent - (k - 1.0) * LINE
    } else if anchor == "middle" {
        py + ascent
    } else {
        // Beside: the block is centred on the spoke's end.
        py - (k - 1.0) * LINE / 2.0 + RADAR_LABEL_SIZE * 0.35
    };
    let lines: Vec<Line> = texts
        .into_iter()
        .enumerate()
        .map(|(j, text)| Line {
            text,
            y: first + j as f64 * LINE,
        })
        .collect();
    let w = lines
        .iter()
        .map(|l| text_width(&l.text, RADAR_LABEL_SIZE))
        .fold(0.0, f64::max);
    let x0 = match anchor {
        "start" => px,
        "end" => px - w,
        _ => px - w / 2.0,
    };
    let bounds = Bounds {
        x0,
        y0: first - ascent,
        x1: x0 + w,
        y1: first + (k - 1.0) * LINE + descent,
    };
    Placed {
        label_x: px,
        lines,
        anchor,
        bounds,
    }
}

/// A radar of `labels` (at least three) with each series' scores (0 to
/// 100; none is drawn at the centre without a marker, and the table beside
/// says "not rated"). The first series is drawn solid with dots, the
/// others dashed with squares.
pub fn radar(labels: &[String], series: &[(String, Vec<Option<f64>>)]) -> Radar {
    let n = labels.len().max(3);
    let mut bounds = Bounds {
        x0: CX - RADIUS,
        y0: CY - RADIUS,
        x1: CX + RADIUS,
        y1: CY + RADIUS,
    };
    // The labels beside the spokes first, in short lines; then those
    // above and below, as wide as they can be without meeting them.
    let mut placed: Vec<Option<Placed>> = labels
        .iter()
        .enumerate()
        .map(|(i, label)| (anchor_of(i, n) != "middle").then(|| axis_label(label, i, n, SIDE_LINE)))
        .collect();
    // On each side, top to bottom, a label that would meet the one above
    // it moves down (many spokes, long names).
    for side in ["start", "end"] {
        let mut order: Vec<usize> = (0..placed.len())
            .filter(|i| placed[*i].as_ref().is_some_and(|p| p.anchor == side))
            .collect();
        order.sort_by(|a, b| {
            let ya = placed[*a].as_ref().map_or(0.0, |p| p.bounds.y0);
            let yb = placed[*b].as_ref().map_or(0.0, |p| p.bounds.y0);
            ya.total_cmp(&yb)
        });
        let mut above: Option<f64> = None;
        for i in order {
            if let Some(p) = placed[i].as_mut() {
                if let Some(bottom) = above {
                    let shift = bottom + 2.0 - p.bounds.y0;
                    if shift > 0.0 {
                        p.lines.iter_mut().for_each(|l| l.y += shift);
                        p.bounds.y0 += shift;
                        p.bounds.y1 += shift;
                    }
                }
                above = Some(p.bounds.y1);
            }
        }
    }
    let beside: Vec<Bounds> = placed.iter().flatten().map(|p| p.bounds).collect();
    for (i, label) in labels.iter().enumerate() {
        if placed[i].is_none() {
            let fits = (SIDE_LINE..=TOP_LINE)
                .rev()
                .map(|max| axis_label(label, i, n, max))
                .find(|p| !beside.iter().any(|b| b.overlaps(&p.bounds)));
            placed[i] = Some(fits.unwrap_or_else(|| axis_label(label, i, n, SIDE_LINE)));
        }
    }
    let axes: Vec<Axis> = placed
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, p)| {
            let (x, y) = point(i, n, RADIUS);
            bounds = bounds.union(&p.bounds);
            Axis {
                x,
                y,
                label_x: p.label_x,
                lines: p.lines,
                anchor: p.anchor,
                bounds: p.bounds,
            }
        })
        .collect();
    let bounds = bounds.pad(6.0);
    let rings = [25.0, 50.0, 75.0, 100.0]
        .iter()
        .map(|v| polygon(&vec![*v; n]))
        .collect();
    let styles = [
        ("waymark-radar-now", "dot", "solid line, dots"),
        ("waymark-radar-before", "square", "dashed line, squares"),
    ];
    let series = series
        .iter()
        .enumerate()
        .map(|(i, (name, values))| {
            let (class, marker, look) = styles[i.min(styles.len() - 1)];
            Series {
                name: name.clone(),
                points: polygon(&values.iter().map(|v| v.unwrap_or(0.0)).collect::<Vec<_>>()),
                markers: values
                    .iter()
                    .enumerate()
                    .filter_map(|(j, v)| {
                        v.map(|v| point(j, n, RADIUS * v.clamp(0.0, 100.0) / 100.0))
                    })
                    .collect(),
                class,
                marker,
                look,
            }
        })
        .collect();
    Radar {
        view_box: bounds.view_box(),
        bounds,
        axes,
        rings,
        series,
        cx: CX,
        cy: CY,
    }
}

/// "Partnerships 62, Funding not rated".
fn score_list(names: &[String], values: &[Option<f64>]) -> String {
    names
        .iter()
        .zip(values)
        .map(|(name, v)| match v {
            Some(v) => format!("{name} {}", whole(*v)),
            None => format!("{name} not rated"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// "A", "A and B", "A, B and C".
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// "1 element rose, 1 fell and 4 stayed the same", leaving out what
/// no element did; "no element was rated in both" when none.
fn counts(up: usize, down: usize, same: usize) -> String {
    let parts: Vec<String> = [(up, "rose"), (down, "fell"), (same, "stayed the same")]
        .iter()
        .filter(|(n, _)| *n > 0)
        .enumerate()
        .map(|(i, (n, verb))| match (i, n) {
            (0, 1) => format!("1 element {verb}"),
            (0, n) => format!("{n} elements {verb}"),
            (_, n) => format!("{n} {verb}"),
        })
        .collect();
    if parts.is_empty() {
        return "no element was rated in both".to_owned();
    }
    let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
    and_list(&refs)
}

/// The radar in words: the snapshot's scores, the highest and lowest, and
/// how many elements rose or fell since the snapshot before.
pub fn describe_radar(
    names: &[String],
    now: (SnapshotKind, &[Option<f64>]),
    before: Option<(SnapshotKind, &[Option<f64>])>,
) -> String {
    let (kind, values) = now;
    let mut out = format!(
        "{} scores out of 100: {}.",
        kind.label(),
        score_list(names, values)
    );
    let rated: Vec<(&str, i64)> = names
        .iter()
        .zip(values)
        .filter_map(|(n, v)| v.map(|v| (n.as_str(), whole(v))))
        .collect();
    if rated.len() > 1 {
        let hi = rated.iter().map(|r| r.1).max().unwrap_or(0);
        let lo = rated.iter().map(|r| r.1).min().unwrap_or(0);
        // "Partnerships (62), Funding (62)": each name with its score, as
        // names may hold "and".
        let at = |v: i64| -> String {
            rated
                .iter()
                .filter(|r| r.1 == v)
                .map(|r| format!("{} ({v})", r.0))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if hi == lo {
            out.push_str(&format!(" Every rated element scores {hi}."));
        } else {
            out.push_str(&format!(" Highest: {}; lowest: {}.", at(hi), at(lo)));
        }
    }
    if let Some((kind, before)) = before {
        let (mut up, mut down, mut same) = (0, 0, 0);
        for (a, b) in values.iter().zip(before) {
            if let (Some(a), Some(b)) = (a, b) {
                match whole(*a).cmp(&whole(*b)) {
                    std::cmp::Ordering::Greater => up += 1,
                    std::cmp::Ordering::Less => down += 1,
                    std::cmp::Ordering::Equal => same += 1,
                }
            }
        }
        out.push_str(&format!(
            " Since the {} snapshot (the dashed shape), {}.",
            kind.label().to_lowercase(),
            counts(up, down, same)
        ));
    }
    out
}

// ----- each element's score across the snapshots -----

/// An element's scores, one per snapshot (in the order of the kinds).
#[derive(Debug, Clone, PartialEq)]
pub struct ElementTrend {
    pub number: i64,
    /// The canonical name, for the table.
    pub name: String,
    /// The short name, for the chart and the description.
    pub short_name: String,
    pub values: Vec<Option<f64>>,
}

/// One bar: an element's score in one snapshot.
#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// A CSS class for its fill and outline.
    pub class: &'static str,
    /// Filled with the chart's hatching (the template names the pattern).
    pub hatched: bool,
    /// "62", or "not rated" (with no bar).
    pub value: String,
    pub value_x: f64,
    pub value_y: f64,
    pub rated: bool,
}

/// An element's group of bars, under its name.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub name: String,
    pub name_y: f64,
    /// Where its bars start and end, for the scale's lines behind them.
    pub top: f64,
    pub bottom: f64,
    pub bars: Vec<Bar>,
}

/// A snapshot in the legend: its label and how its bars look.
#[derive(Debug, Clone, Serialize)]
pub struct Key {
    pub label: String,
    pub class: &'static str,
    pub hatched: bool,
    /// "open", "hatched" or "solid": the look in words.
    pub look: &'static str,
}

/// A mark of the 0 to 100 scale.
#[derive(Debug, Clone, Serialize)]
pub struct Tick {
    pub x: f64,
    pub label: String,
}

/// A row of the data table: the element and its score in each snapshot.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub number: i64,
    pub name: String,
    pub values: Vec<String>,
    /// "up 22", "down 5", "no change", or "-".
    pub change: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    pub view_box: String,
    pub bounds: Bounds,
    pub keys: Vec<Key>,
    pub ticks: Vec<Tick>,
    pub tick_y: f64,
    pub groups: Vec<Group>,
    /// The data table: a column per snapshot, then the change.
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
    pub description: String,
}

const TREND_WIDTH: f64 = 360.0;
const PLOT_X: f64 = 8.0;
/// Room after the longest bar for its value ("100").
const VALUE_ROOM: f64 = 36.0;
const BAR: f64 = 14.0;
const BAR_GAP: f64 = 3.0;

fn plot_x(v: f64) -> f64 {
    PLOT_X + (TREND_WIDTH - PLOT_X - VALUE_ROOM) * v.clamp(0.0, 100.0) / 100.0
}

fn look(kind: SnapshotKind) -> (&'static str, bool, &'static str) {
    match kind {
        SnapshotKind::Baseline => ("waymark-trend-baseline", false, "open"),
        SnapshotKind::MidYear => ("waymark-trend-mid-year", true, "hatched"),
        SnapshotKind::Final => ("waymark-trend-final", false, "solid"),
    }
}

/// "up 22", "down 5", "no change"; "-" without two scores.
pub fn change_words(first: Option<f64>, last: Option<f64>) -> String {
    match (first, last) {
        (Some(a), Some(b)) => match whole(b) - whole(a) {
            d if d > 0 => format!("up {d}"),
            d if d < 0 => format!("down {}", -d),
            _ => "no change".to_owned(),
        },
        _ => "-".to_owned(),
    }
}

/// Each element's score in each snapshot (`kinds`, in the order taken),
/// as groups of horizontal bars on one 0 to 100 scale: one group per
/// element under its short name, one bar per snapshot, open for the
/// baseline, hatched for mid-year, solid for the final, each with its
/// score at its end.
pub fn trend(kinds: &[SnapshotKind], elements: &[ElementTrend]) -> Trend {
    let ticks = [0.0, 25.0, 50.0, 75.0, 100.0]
        .iter()
        .map(|v| Tick {
            x: plot_x(*v),
            label: format!("{v:.0}"),
        })
        .collect();
    let tick_y = VALUE_SIZE;
    let mut y = tick_y + 10.0;
    let mut width = TREND_WIDTH;
    let groups = elements
        .iter()
        .map(|e| {
            let name_y = y + LABEL_SIZE;
            width = width.max(e.short_name.chars().count() as f64 * LABEL_SIZE * BOLD_CHAR_WIDTH);
            y += LABEL_SIZE + 8.0;
            let top = y;
            let bars = kinds
                .iter()
                .enumerate()
                .map(|(i, kind)| {
                    let (class, hatched, _) = look(*kind);
                    let v = e.values.get(i).copied().flatten();
                    let x1 = plot_x(v.unwrap_or(0.0));
                    let bar = Bar {
                        x: PLOT_X,
                        y,
                        width: x1 - PLOT_X,
                        height: BAR,
                        class,
                        hatched,
                        value: v
                            .map(|v| whole(v).to_string())
                            .unwrap_or_else(|| "not rated".to_owned()),
                        value_x: x1 + 4.0,
                        value_y: y + BAR - 2.5,
                        rated: v.is_some(),
                    };
                    y += BAR + BAR_GAP;
                    bar
                })
                .collect();
            let bottom = y - BAR_GAP;
            y += 12.0;
            Group {
                name: e.short_name.clone(),
                name_y,
                top,
                bottom,
                bars,
            }
        })
        .collect();
    let bounds = Bounds {
        x0: 0.0,
        y0: 0.0,
        x1: width,
        y1: y - 6.0,
    };
    let keys = kinds
        .iter()
        .map(|k| {
            let (class, hatched, words) = look(*k);
            Key {
                label: k.label().to_owned(),
                class,
                hatched,
                look: words,
            }
        })
        .collect();
    let mut columns: Vec<String> = kinds.iter().map(|k| k.label().to_owned()).collect();
    if kinds.len() > 1 {
        columns.push(format!("Change since {}", phrase_plain(kinds[0])));
    }
    let rows = elements
        .iter()
        .map(|e| Row {
            number: e.number,
            name: e.name.clone(),
            values: (0..kinds.len())
                .map(|i| match e.values.get(i).copied().flatten() {
                    Some(v) => whole(v).to_string(),
                    None => "Not rated".to_owned(),
                })
                .collect(),
            change: change_words(
                e.values.first().copied().flatten(),
                e.values
                    .get(kinds.len().saturating_sub(1))
                    .copied()
                    .flatten(),
            ),
        })
        .collect();
    Trend {
        view_box: bounds.view_box(),
        bounds,
        keys,
        ticks,
        tick_y,
        groups,
        columns,
        rows,
        description: describe_trend(kinds, elements),
    }
}

/// The snapshots' kinds and each element's scores across them, from each
/// snapshot's element scores (oldest first), in the element order of the
/// last, with the short names given by element key.
pub fn across(
    snapshots: &[(SnapshotKind, &[ElementScore])],
    short_names: &BTreeMap<String, String>,
) -> (Vec<SnapshotKind>, Vec<ElementTrend>) {
    let kinds = snapshots.iter().map(|(k, _)| *k).collect();
    let Some((_, last)) = snapshots.last() else {
        return (kinds, vec![]);
    };
    let elements = last
        .iter()
        .map(|e| ElementTrend {
            number: e.number,
            name: e.name.clone(),
            short_name: short_names
                .get(&e.key)
                .cloned()
                .unwrap_or_else(|| e.name.clone()),
            values: snapshots
                .iter()
                .map(|(_, scores)| scores.iter().find(|s| s.key == e.key).and_then(|s| s.score))
                .collect(),
        })
        .collect();
    (kinds, elements)
}

/// "at baseline", "at mid-year", "in the final snapshot".
fn phrase(kind: SnapshotKind) -> &'static str {
    match kind {
        SnapshotKind::Baseline => "at baseline",
        SnapshotKind::MidYear => "at mid-year",
        SnapshotKind::Final => "in the final snapshot",
    }
}

/// "the baseline", "mid-year", "the final snapshot".
fn phrase_plain(kind: SnapshotKind) -> &'static str {
    match kind {
        SnapshotKind::Baseline => "the baseline",
        SnapshotKind::MidYear => "mid-year",
        SnapshotKind::Final => "the final snapshot",
    }
}

/// One element's scores across the snapshots in a sentence.
fn describe_element(kinds: &[SnapshotKind], e: &ElementTrend) -> String {
    let name = &e.short_name;
    let rated: Vec<(SnapshotKind, i64)> = kinds
        .iter()
        .enumerate()
        .filter_map(|(i, k)| e.values.get(i).copied().flatten().map(|v| (*k, whole(v))))
        .collect();
    let unrated: Vec<&str> = kinds
        .iter()
        .filter(|k| !rated.iter().any(|(r, _)| r == *k))
        .map(|k| phrase(*k))
        .collect();
    let not_rated = if unrated.is_empty() {
        String::new()
    } else {
        format!("; not rated {}", and_list(&unrated))
    };
    match rated.as_slice() {
        [] => format!("{name} was not rated."),
        [(k, v)] => format!("{name} scored {v} {}{not_rated}.", phrase(*k)),
        [(k0, v0), middle @ .., (k1, v1)] => {
            let between = if middle.is_empty() {
                String::new()
            } else {
                let m: Vec<String> = middle
                    .iter()
                    .map(|(k, v)| format!("{v} {}", phrase(*k)))
                    .collect();
                format!(" ({})", m.join(", "))
            };
            let (p0, p1) = (phrase(*k0), phrase(*k1));
            if v1 > v0 {
                format!("{name} rose from {v0} {p0} to {v1} {p1}{between}{not_rated}.")
            } else if v1 < v0 {
                format!("{name} fell from {v0} {p0} to {v1} {p1}{between}{not_rated}.")
            } else if middle.iter().all(|(_, v)| v == v0) {
                format!(
                    "{name} stayed at {v0} from {} to {}{not_rated}.",
                    phrase_plain(*k0),
                    phrase_plain(*k1)
                )
            } else {
                format!("{name} was {v0} {p0} and again {p1}{between}{not_rated}.")
            }
        }
    }
}

/// The bars in words: how many elements rose and fell from the first
/// snapshot to the last, then each element in a sentence ("Partnerships
/// rose from 40 at baseline to 62 at mid-year."). With one snapshot, its
/// scores.
pub fn describe_trend(kinds: &[SnapshotKind], elements: &[ElementTrend]) -> String {
    let (first, last) = match kinds {
        [] => return "No snapshot yet.".to_owned(),
        [only] => {
            let names: Vec<String> = elements.iter().map(|e| e.short_name.clone()).collect();
            let values: Vec<Option<f64>> = elements
                .iter()
                .map(|e| e.values.first().copied().flatten())
                .collect();
            return format!(
                "Scores out of 100 {}: {}. Later snapshots will show here beside it.",
                phrase(*only),
                score_list(&names, &values)
            );
        }
        [first, .., last] => (*first, *last),
    };
    let n = kinds.len() - 1;
    let (mut up, mut down, mut same) = (0, 0, 0);
    for e in elements {
        let a = e.values.first().copied().flatten();
        let b = e.values.get(n).copied().flatten();
        if let (Some(a), Some(b)) = (a, b) {
            match whole(b).cmp(&whole(a)) {
                std::cmp::Ordering::Greater => up += 1,
                std::cmp::Ordering::Less => down += 1,
                std::cmp::Ordering::Equal => same += 1,
            }
        }
    }
    let mut out = format!(
        "Scores out of 100, from {} to {}: {}.",
        phrase_plain(first),
        phrase_plain(last),
        counts(up, down, same)
    );
    for e in elements {
        out.push(' ');
        out.push_str(&describe_element(kinds, e));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use SnapshotKind::{Baseline, Final, MidYear};

    fn six() -> Vec<String> {
        [
            "Partnerships",
            "Sectors and employers",
            "Program design",
            "Policies and programs",
            "Funding",
            "Measurement",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    #[test]
    fn a_full_score_reaches_the_outer_ring_and_none_sits_at_the_centre() {
        let labels: Vec<String> = (1..=6).map(|i| format!("E{i}")).collect();
        let r = radar(
            &labels,
            &[(
                "Now".into(),
                vec![
                    Some(100.0),
                    None,
                    Some(50.0),
                    Some(0.0),
                    Some(100.0),
                    Some(100.0),
                ],
            )],
        );
        assert_eq!(r.axes.len(), 6);
        let first: Vec<&str> = r.series[0].points.split(' ').collect();
        assert_eq!(
            first[0],
            format!("{CX:.1},{:.1}", CY - RADIUS),
            "straight up"
        );
        assert_eq!(first[1], format!("{CX:.1},{CY:.1}"), "none at the centre");
        assert_eq!(r.series[0].markers.len(), 5, "no marker for none");
        assert_eq!(r.rings.len(), 4);
        assert_eq!(r.axes[0].anchor, "middle");
        assert_eq!(r.axes[1].anchor, "start");
        assert_eq!(r.axes[4].anchor, "end");
    }

    #[test]
    fn the_radar_is_labelled_with_names_that_fit_and_do_not_overlap() {
        let r = radar(&six(), &[("Now".into(), vec![Some(50.0); 6])]);
        let texts: Vec<Vec<&str>> = r
            .axes
            .iter()
            .map(|a| a.lines.iter().map(|l| l.text.as_str()).collect())
            .collect();
        assert_eq!(
            texts,
            [
                vec!["Partnerships"],
                vec!["Sectors and", "employers"],
                vec!["Program", "design"],
                vec!["Policies and programs"],
                vec!["Funding"],
                vec!["Measurement"],
            ]
        );
        // The top label sits above its spoke, the bottom one below.
        assert!(r.axes[0].bounds.y1 <= CY - RADIUS);
        assert!(r.axes[3].bounds.y0 >= CY + RADIUS);
        // Side labels start beside their spoke, away from the rings.
        assert!(r.axes[1].bounds.x0 > r.axes[1].x);
        assert!(r.axes[4].bounds.x1 < r.axes[4].x);
        for a in &r.axes {
            assert!(a.bounds.within(&r.bounds), "{:?} cut", a.lines);
        }
        for (i, a) in r.axes.iter().enumerate() {
            for b in &r.axes[i + 1..] {
                assert!(
                    !a.bounds.overlaps(&b.bounds),
                    "{:?} overlaps {:?}",
                    a.lines,
                    b.lines
                );
            }
        }
        // The view box is narrow enough that its text stays readable when
        // it is drawn 343 px wide on a phone (at least 12.5 px).
        let width = r.bounds.x1 - r.bounds.x0;
        assert!(
            RADAR_LABEL_SIZE * 343.0 / width >= 12.5,
            "view box {width} wide"
        );
    }

    #[test]
    fn the_longest_short_names_fit_around_three_to_ten_spokes() {
        let long = "Wwwwwww wwwwwww wwwwwwww"; // 24 characters
        assert_eq!(long.chars().count(), crate::framework::SHORT_NAME_MAX);
        for n in 3..=10 {
            let labels = vec![long.to_owned(); n];
            let r = radar(&labels, &[]);
            for (i, a) in r.axes.iter().enumerate() {
                assert!(a.bounds.within(&r.bounds));
                for b in &r.axes[i + 1..] {
                    assert!(!a.bounds.overlaps(&b.bounds), "{n} spokes: overlap");
                }
            }
        }
    }

    #[test]
    fn scores_round_as_the_tables_print_them() {
        for v in [12.5, 13.5, 33.333, 66.667, 0.0, 100.0] {
            assert_eq!(whole(v).to_string(), format!("{v:.0}"), "{v}");
        }
        assert_eq!(change_words(Some(42.86), Some(52.38)), "up 9");
        assert_eq!(change_words(Some(50.0), Some(49.6)), "no change");
        assert_eq!(change_words(None, Some(49.6)), "-");
    }

    #[test]
    fn counts_leave_out_what_no_element_did() {
        assert_eq!(
            counts(1, 1, 4),
            "1 element rose, 1 fell and 4 stayed the same"
        );
        assert_eq!(counts(5, 1, 0), "5 elements rose and 1 fell");
        assert_eq!(counts(0, 2, 0), "2 elements fell");
        assert_eq!(counts(0, 0, 1), "1 element stayed the same");
        assert_eq!(counts(0, 0, 0), "no element was rated in both");
    }

    #[test]
    fn labels_wrap_at_spaces() {
        assert_eq!(
            wrap("Sectors and employers", 11),
            ["Sectors and", "employers"]
        );
        assert_eq!(wrap("Funding", 13), ["Funding"]);
        assert_eq!(
            wrap("Extraordinarily-long-word here", 13),
            ["Extraordinarily-long-word", "here"]
        );
        assert_eq!(wrap("", 13), Vec::<String>::new());
    }

    #[test]
    fn the_radar_describes_the_scores_and_the_change() {
        let names: Vec<String> = six()[..4].to_vec();
        let now = [Some(62.4), Some(20.0), None, Some(62.0)];
        let before = [Some(40.0), Some(30.0), Some(10.0), Some(62.2)];
        assert_eq!(
            describe_radar(&names, (MidYear, &now), Some((Baseline, &before))),
            "Mid-year scores out of 100: Partnerships 62, Sectors and employers 20, \
             Program design not rated, Policies and programs 62. Highest: Partnerships \
             (62), Policies and programs (62); lowest: Sectors and employers (20). Since \
             the baseline snapshot (the dashed shape), 1 element rose, 1 fell and 1 \
             stayed the same."
        );
        assert_eq!(
            describe_radar(&names[..1], (Baseline, &[Some(50.0)]), None),
            "Baseline scores out of 100: Partnerships 50."
        );
    }

    fn trends() -> Vec<ElementTrend> {
        let e = |short: &str, values: Vec<Option<f64>>| ElementTrend {
            number: 1,
            name: format!("The {short} element"),
            short_name: short.to_owned(),
            values,
        };
        vec![
            e("Partnerships", vec![Some(40.0), Some(62.0)]),
            e("Funding", vec![Some(50.0), Some(45.4)]),
            e("Program design", vec![Some(30.0), Some(30.2)]),
            e("Measurement", vec![None, Some(20.0)]),
        ]
    }

    #[test]
    fn the_trend_says_what_rose_and_what_fell() {
        assert_eq!(
            describe_trend(&[Baseline, MidYear], &trends()),
            "Scores out of 100, from the baseline to mid-year: 1 element rose, 1 fell and \
             1 stayed the same. Partnerships rose from 40 at baseline to 62 at mid-year. \
             Funding fell from 50 at baseline to 45 at mid-year. Program design stayed at \
             30 from the baseline to mid-year. Measurement scored 20 at mid-year; not rated \
             at baseline."
        );
    }

    #[test]
    fn three_snapshots_name_the_one_between() {
        let e = |values: [Option<f64>; 3]| ElementTrend {
            number: 1,
            name: "Partnerships".into(),
            short_name: "Partnerships".into(),
            values: values.to_vec(),
        };
        let kinds = [Baseline, MidYear, Final];
        let one = |v| describe_element(&kinds, &e(v));
        assert_eq!(
            one([Some(40.0), Some(55.0), Some(62.0)]),
            "Partnerships rose from 40 at baseline to 62 in the final snapshot (55 at mid-year)."
        );
        assert_eq!(
            one([Some(40.0), Some(55.0), Some(40.0)]),
            "Partnerships was 40 at baseline and again in the final snapshot (55 at mid-year)."
        );
        assert_eq!(
            one([Some(40.0), None, Some(30.0)]),
            "Partnerships fell from 40 at baseline to 30 in the final snapshot; not rated at mid-year."
        );
        assert_eq!(one([None, None, None]), "Partnerships was not rated.");
    }

    #[test]
    fn one_snapshot_is_described_by_its_scores() {
        let t: Vec<ElementTrend> = trends()
            .into_iter()
            .map(|mut e| {
                e.values.truncate(1);
                e
            })
            .collect();
        assert_eq!(
            describe_trend(&[Baseline], &t),
            "Scores out of 100 at baseline: Partnerships 40, Funding 50, Program design 30, \
             Measurement not rated. Later snapshots will show here beside it."
        );
        assert_eq!(describe_trend(&[], &t), "No snapshot yet.");
    }

    #[test]
    fn each_snapshot_is_a_bar_as_long_as_its_score_with_its_value_at_the_end() {
        let t = trend(&[Baseline, MidYear], &trends());
        assert_eq!(t.groups.len(), 4);
        let names: Vec<&str> = t.groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(
            names,
            ["Partnerships", "Funding", "Program design", "Measurement"]
        );
        let p = &t.groups[0];
        assert_eq!(p.bars.len(), 2);
        let full = plot_x(100.0) - plot_x(0.0);
        assert!((p.bars[0].width - full * 0.40).abs() < 1e-9);
        assert!((p.bars[1].width - full * 0.62).abs() < 1e-9);
        assert_eq!(p.bars[0].value, "40");
        assert_eq!(p.bars[1].value, "62");
        assert!(p.bars[1].value_x > p.bars[1].x + p.bars[1].width);
        // Baseline open, mid-year hatched: not colour alone.
        assert_eq!(p.bars[0].class, "waymark-trend-baseline");
        assert!(!p.bars[0].hatched);
        assert!(p.bars[1].hatched);
        let looks: Vec<&str> = t.keys.iter().map(|k| k.look).collect();
        assert_eq!(looks, ["open", "hatched"]);
        // Not rated: no bar, the words instead.
        let m = &t.groups[3].bars[0];
        assert!(!m.rated);
        assert_eq!(m.value, "not rated");
        // The groups follow one another without overlapping, inside the box.
        for w in t.groups.windows(2) {
            assert!(w[0].bottom < w[1].name_y - LABEL_SIZE);
        }
        for g in &t.groups {
            assert!(g.name_y - LABEL_SIZE >= t.bounds.y0);
            for b in &g.bars {
                let end = b.value_x + text_width(&b.value, VALUE_SIZE);
                assert!(end <= t.bounds.x1, "{} ends at {end}", b.value);
                assert!(b.y + b.height <= t.bounds.y1);
            }
        }
        // A full score's value still fits.
        let full_bar = trend(
            &[Final],
            &[ElementTrend {
                number: 1,
                name: "x".into(),
                short_name: "x".into(),
                values: vec![Some(100.0)],
            }],
        );
        let b = &full_bar.groups[0].bars[0];
        assert!(b.value_x + text_width("100", VALUE_SIZE) <= full_bar.bounds.x1);
        assert_eq!(full_bar.keys[0].look, "solid");
    }

    #[test]
    fn scores_across_snapshots_line_up_by_element() {
        let score = |key: &str, v: Option<f64>| ElementScore {
            key: key.into(),
            number: if key == "a" { 1 } else { 2 },
            name: format!("Name of {key}"),
            score: v,
            rated: 1,
            indicators: 1,
        };
        let baseline = vec![score("a", Some(10.0)), score("b", None)];
        let mid = vec![score("a", Some(20.0)), score("b", Some(30.0))];
        let short: BTreeMap<String, String> = [("a".to_owned(), "A".to_owned())].into();
        let (kinds, elements) = across(&[(Baseline, &baseline), (MidYear, &mid)], &short);
        assert_eq!(kinds, [Baseline, MidYear]);
        assert_eq!(
            elements,
            [
                ElementTrend {
                    number: 1,
                    name: "Name of a".into(),
                    short_name: "A".into(),
                    values: vec![Some(10.0), Some(20.0)],
                },
                ElementTrend {
                    number: 2,
                    name: "Name of b".into(),
                    short_name: "Name of b".into(),
                    values: vec![None, Some(30.0)],
                },
            ]
        );
        assert_eq!(across(&[], &short), (vec![], vec![]));
    }

    #[test]
    fn the_trend_table_has_a_column_per_snapshot_and_the_change() {
        let t = trend(&[Baseline, MidYear], &trends());
        assert_eq!(
            t.columns,
            ["Baseline", "Mid-year", "Change since the baseline"]
        );
        let rows: Vec<(&str, Vec<&str>, &str)> = t
            .rows
            .iter()
            .map(|r| {
                (
                    r.name.as_str(),
                    r.values.iter().map(String::as_str).collect(),
                    r.change.as_str(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("The Partnerships element", vec!["40", "62"], "up 22"),
                ("The Funding element", vec!["50", "45"], "down 5"),
                ("The Program design element", vec!["30", "30"], "no change"),
                ("The Measurement element", vec!["Not rated", "20"], "-"),
            ]
        );
        let one = trend(&[Baseline], &trends());
        assert_eq!(one.columns, ["Baseline"]);
    }
}
