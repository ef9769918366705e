//! The default avatar set offered to users who do not bring their own picture.

/// One default avatar: a name and the colour of its generated picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefaultAvatar {
    /// Short name, part of the URL.
    pub name: &'static str,
    /// Background colour as `#rrggbb`.
    pub color: &'static str,
    /// The single glyph drawn on it.
    pub glyph: &'static str,
}

/// The default avatars, in display order.
pub const DEFAULT_AVATARS: &[DefaultAvatar] = &[
    DefaultAvatar {
        name: "fox",
        color: "#e8743b",
        glyph: "F",
    },
    DefaultAvatar {
        name: "owl",
        color: "#8e6c8a",
        glyph: "O",
    },
    DefaultAvatar {
        name: "otter",
        color: "#6b8e23",
        glyph: "T",
    },
    DefaultAvatar {
        name: "whale",
        color: "#2e86c1",
        glyph: "W",
    },
    DefaultAvatar {
        name: "panda",
        color: "#555555",
        glyph: "P",
    },
    DefaultAvatar {
        name: "koala",
        color: "#7f8c8d",
        glyph: "K",
    },
    DefaultAvatar {
        name: "lynx",
        color: "#c0392b",
        glyph: "L",
    },
    DefaultAvatar {
        name: "heron",
        color: "#16a085",
        glyph: "H",
    },
];

/// Where a default avatar's picture is served.
pub fn avatar_path(name: &str) -> String {
    format!("/api/v1/avatars/{name}.svg")
}

/// The default avatar served at `path`, if it is one.
pub fn default_avatar_for_path(path: &str) -> Option<&'static DefaultAvatar> {
    let name = path.strip_prefix("/api/v1/avatars/")?.strip_suffix(".svg")?;
    find(name)
}

/// The default avatar named `name`.
pub fn find(name: &str) -> Option<&'static DefaultAvatar> {
    DEFAULT_AVATARS.iter().find(|avatar| avatar.name == name)
}

/// The picture of a default avatar as a small SVG.
pub fn svg(avatar: &DefaultAvatar) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\" viewBox=\"0 0 64 64\">\
<circle cx=\"32\" cy=\"32\" r=\"32\" fill=\"{}\"/>\
<text x=\"32\" y=\"42\" font-family=\"sans-serif\" font-size=\"28\" fill=\"#ffffff\" text-anchor=\"middle\">{}</text></svg>",
        avatar.color, avatar.glyph
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_avatar_round_trips_through_its_path() {
        for avatar in DEFAULT_AVATARS {
            assert_eq!(default_avatar_for_path(&avatar_path(avatar.name)), Some(avatar));
        }
        assert_eq!(default_avatar_for_path("/api/v1/avatars/dragon.svg"), None);
    }
}
