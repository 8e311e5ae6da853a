//! The geometry every chart shares: the viewBox, the plot's frame, nice axis figures and ticks,
//! the paths of lines and markers, and which labels show.

/// The width of every chart, in viewBox units.
pub(super) const WIDTH: f64 = 600.0;
/// The height of every chart, in viewBox units.
pub(super) const HEIGHT: f64 = 320.0;
/// The viewBox of every chart.
pub(super) const VIEW_BOX: &str = "0 0 600 320";
/// The text size in a narrow box, in viewBox units, for a page without the stylesheet.
pub(super) const FONT_SIZE: &str = "26";
/// The half-width of a point's marker.
pub(super) const MARKER: f64 = 5.0;
/// Series that get their own colour and marker; more reuse them in turn.
pub(super) const SERIES: usize = 4;
/// Days between two dates written under a chart of days.
pub(super) const DAYS_BETWEEN_LABELS: usize = 7;
/// Most weeks written under the homework chart.
pub(super) const WEEK_LABELS: usize = 8;

/// Where a chart draws its figures inside the viewBox.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Frame {
    /// The y axis.
    pub(super) left: f64,
    /// The top of the axis.
    pub(super) top: f64,
    /// The right end of the axis.
    pub(super) right: f64,
    /// The x axis (zero).
    pub(super) bottom: f64,
}

/// A bar: its top-left corner and size, in viewBox units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Bar {
    pub(super) x: f64,
    pub(super) y: f64,
    pub(super) width: f64,
    pub(super) height: f64,
}

impl Frame {
    /// Every chart's area: room on the left for the axis figures, above for the unit and the
    /// figures over the bars, below for the dates.
    pub(super) const PLOT: Frame = Frame {
        left: 60.0,
        top: 52.0,
        right: WIDTH - 36.0,
        bottom: HEIGHT - 44.0,
    };

    pub(super) fn width(self) -> f64 {
        self.right - self.left
    }

    pub(super) fn height(self) -> f64 {
        self.bottom - self.top
    }

    /// The y of `value` on an axis from 0 (bottom) to `max` (top), kept inside the frame;
    /// the bottom when the axis has no height.
    pub(super) fn y(self, value: i64, max: i64) -> f64 {
        if max <= 0 {
            return self.bottom;
        }
        let share = (value as f64 / max as f64).clamp(0.0, 1.0);
        self.bottom - share * self.height()
    }

    /// The x of the `i`th of `n` points spread from edge to edge; a lone point in the middle.
    pub(super) fn x_point(self, i: usize, n: usize) -> f64 {
        if n <= 1 {
            return self.left + self.width() / 2.0;
        }
        self.left + self.width() * i as f64 / (n - 1) as f64
    }

    /// The width of each of `n` equal bands side by side.
    pub(super) fn band_width(self, n: usize) -> f64 {
        self.width() / n.max(1) as f64
    }

    /// The middle of the `i`th of `n` equal bands.
    pub(super) fn band_mid(self, i: usize, n: usize) -> f64 {
        self.left + self.band_width(n) * (i as f64 + 0.5)
    }

    /// The bar of `value` in the middle of the `i`th of `n` bands, `share` of its width.
    pub(super) fn bar(self, i: usize, n: usize, share: f64, value: i64, max: i64) -> Bar {
        let width = self.band_width(n) * share;
        let y = self.y(value, max);
        Bar {
            x: self.band_mid(i, n) - width / 2.0,
            y,
            width,
            height: self.bottom - y,
        }
    }
}

/// The top of an axis that shows `value`: the next 1, 2 or 5 × 10ⁿ at or above it (1 at least).
pub(super) fn nice_max(value: i64) -> i64 {
    let mut scale: i64 = 1;
    loop {
        for lead in [1, 2, 5] {
            let candidate = lead * scale;
            if candidate >= value {
                return candidate;
            }
        }
        match scale.checked_mul(10) {
            Some(next) => scale = next,
            None => return i64::MAX,
        }
    }
}

/// The figures written along an axis from 0 to `max` (a value of [`nice_max`]): four to six
/// round steps, whole numbers only.
pub(super) fn ticks(max: i64) -> Vec<i64> {
    let max = max.max(1);
    let mut scale: i64 = 1;
    while max / scale >= 10 {
        scale *= 10;
    }
    let step = match max / scale {
        1 => scale / 5,
        2 => scale / 2,
        _ => scale,
    }
    .max(1);
    (0..=max / step).map(|k| k * step).collect()
}

/// A coordinate as SVG text: one decimal at most, without a trailing zero ("12", "12.5").
pub(super) fn coord(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded == 0.0 {
        // Also turns -0 into 0.
        "0".to_owned()
    } else if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

/// An SVG path through `points` in order; empty without points.
pub(super) fn line_path(points: &[(f64, f64)]) -> String {
    points
        .iter()
        .enumerate()
        .map(|(i, (x, y))| {
            let command = if i == 0 { 'M' } else { 'L' };
            format!("{command}{} {}", coord(*x), coord(*y))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// An SVG path with a marker at each point, `r` from its centre, shaped by the series so that
/// series differ without colour: a circle, a square, a triangle, a diamond, then again.
pub(super) fn marker_path(series: usize, points: &[(f64, f64)], r: f64) -> String {
    let (r2, d) = (coord(2.0 * r), coord(r));
    points
        .iter()
        .map(|&(x, y)| match series % SERIES {
            0 => format!(
                "M{} {} a{d} {d} 0 1 0 {r2} 0 a{d} {d} 0 1 0 -{r2} 0Z",
                coord(x - r),
                coord(y)
            ),
            1 => format!("M{} {} h{r2} v{r2} h-{r2}Z", coord(x - r), coord(y - r)),
            2 => format!("M{} {} l{d} {r2} h-{r2}Z", coord(x), coord(y - r)),
            _ => format!(
                "M{} {} l{d} {d} l-{d} {d} l-{d} -{d}Z",
                coord(x),
                coord(y - r)
            ),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The CSS class of the `i`th series: its colour.
pub(super) fn series_class(i: usize) -> String {
    format!("series-{}", i % SERIES)
}

/// Which of `n` items get a label: the last, and every `every` before it, in order.
pub(super) fn label_indices(n: usize, every: usize) -> Vec<usize> {
    let every = every.max(1);
    let mut indices: Vec<usize> = (0..n).rev().step_by(every).collect();
    indices.reverse();
    indices
}

/// Whether the `i`th of `n` labels is one of those left out when there is little room: every
/// other one, counting back from the last (which always shows).
pub(super) fn is_minor(i: usize, n: usize) -> bool {
    i < n && (n - 1 - i) % 2 == 1
}
