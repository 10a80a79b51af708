//! The geometry of the radar chart of element scores, computed here so
//! the template only draws (DESIGN: hand-written SVG, data table beside).

use serde::Serialize;

/// One spoke of the radar, with where its label goes.
#[derive(Debug, Clone, Serialize)]
pub struct Axis {
    pub label: String,
    pub x: f64,
    pub y: f64,
    pub label_x: f64,
    pub label_y: f64,
    /// SVG text-anchor: start, middle or end.
    pub anchor: &'static str,
}

/// One set of scores drawn as a polygon.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub name: String,
    /// The polygon's points, "x,y x,y ...".
    pub points: String,
    /// A CSS class for its colour and dash.
    pub class: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Radar {
    pub width: f64,
    pub height: f64,
    pub axes: Vec<Axis>,
    /// The 25, 50, 75 and 100 rings, as polygon points.
    pub rings: Vec<String>,
    pub series: Vec<Series>,
    pub cx: f64,
    pub cy: f64,
}

const RADIUS: f64 = 130.0;
const CX: f64 = 260.0;
const CY: f64 = 190.0;

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

/// A radar of `labels` (at least three) with each series' scores (0 to
/// 100; none is drawn at the centre, and the table beside says "not rated").
pub fn radar(labels: &[String], series: &[(String, Vec<Option<f64>>)]) -> Radar {
    let n = labels.len().max(3);
    let axes = labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let (x, y) = point(i, n, RADIUS);
            let (label_x, label_y) = point(i, n, RADIUS + 16.0);
            let anchor = if (label_x - CX).abs() < 1.0 {
                "middle"
            } else if label_x > CX {
                "start"
            } else {
                "end"
            };
            Axis {
                label: label.clone(),
                x,
                y,
                label_x,
                label_y: label_y + 4.0,
                anchor,
            }
        })
        .collect();
    let rings = [25.0, 50.0, 75.0, 100.0]
        .iter()
        .map(|v| polygon(&vec![*v; n]))
        .collect();
    let classes = ["waymark-radar-now", "waymark-radar-before"];
    let series = series
        .iter()
        .enumerate()
        .map(|(i, (name, values))| Series {
            name: name.clone(),
            points: polygon(&values.iter().map(|v| v.unwrap_or(0.0)).collect::<Vec<_>>()),
            class: classes[i.min(classes.len() - 1)],
        })
        .collect();
    Radar {
        width: 2.0 * CX,
        height: 2.0 * CY,
        axes,
        rings,
        series,
        cx: CX,
        cy: CY,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(r.rings.len(), 4);
        assert_eq!(r.axes[0].anchor, "middle");
        assert_eq!(r.axes[1].anchor, "start");
        assert_eq!(r.axes[4].anchor, "end");
    }
}
