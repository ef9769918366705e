//! The vocabulary `hub seed` builds its demo community from: names, channels with topics,
//! sentences people type, forum titles. Plain lists, so the same seed picks the same words.

pub const FIRST_NAMES: &[&str] = &[
    "ada", "alan", "alice", "amara", "anika", "ben", "bruno", "carla", "chen", "chloe", "dara", "dev", "diego",
    "elena", "emeka", "emma", "farah", "felix", "grace", "hana", "hugo", "ines", "ivan", "jade", "jonas", "kai",
    "kira", "lars", "lea", "leo", "lina", "luca", "maya", "mei", "milo", "nadia", "nina", "noah", "omar", "oskar",
    "pia", "priya", "quinn", "ravi", "rosa", "sami", "sara", "sven", "tara", "theo", "uma", "vera", "wren", "yara",
    "yusuf", "zoe",
];

pub const LAST_NAMES: &[&str] = &[
    "abara", "berg", "costa", "dubois", "eriksen", "fischer", "garcia", "haddad", "ito", "jensen", "kowalski",
    "larsen", "moreau", "nakamura", "okafor", "petrov", "quist", "rossi", "silva", "tanaka", "umar", "varga", "weber",
    "xu", "yilmaz", "zhang",
];

/// (name, topic, description)
pub const CHANNELS: &[(&str, &str, &str)] = &[
    (
        "general",
        "Everything and anything",
        "Say hello, ask around, share news.",
    ),
    ("random", "Off-topic, pets and links", "Things that fit nowhere else."),
    ("dev", "Building hub itself", "Pull requests, reviews and design talk."),
    ("ops", "Servers, deploys and pagers", "Where the on-call person lives."),
    ("design", "Screens, colours, words", "Mock-ups and feedback."),
    ("support", "Help for people using hub", "Ask here; someone will answer."),
    ("announcements", "Read me first", "Releases and important news."),
    ("music", "What are you listening to?", "Playlists and concerts."),
    ("books", "Reading club", "One book a month, spoilers marked."),
    ("food", "Recipes and lunch plans", "Who is up for noodles?"),
    ("travel", "Trips and tips", "Where to go and what to pack."),
    ("gaming", "Evenings and weekends", "Co-op nights and speedruns."),
    (
        "security",
        "Threats, patches, audits",
        "Report vulnerabilities privately.",
    ),
    ("docs", "Writing things down", "Guides, READMEs and the manual."),
    ("hiring", "Who we are looking for", "Open roles and referrals."),
    ("events", "Meetups and talks", "Calls for papers and conference trips."),
    ("fitness", "Runs, rides and climbs", "Weekly challenges."),
    ("photography", "Pictures and gear", "Share a photo a day."),
    ("garden", "Plants and balconies", "Tomatoes are a lifestyle."),
    ("data", "Dashboards and queries", "SQL questions welcome."),
];

pub const OPENERS: &[&str] = &[
    "morning all",
    "quick question:",
    "heads up:",
    "fyi",
    "has anyone seen",
    "I think",
    "just pushed",
    "does anyone know",
    "reminder:",
    "good news:",
    "hmm,",
    "ok so",
    "thanks for",
    "not sure yet, but",
    "looking at",
    "small update:",
    "back from lunch;",
    "wondering if",
];

pub const SUBJECTS: &[&str] = &[
    "the build",
    "the deploy",
    "the new release",
    "the login page",
    "the meeting notes",
    "the dashboard",
    "the database migration",
    "that flaky test",
    "the roadmap",
    "our onboarding doc",
    "the pager rota",
    "the search box",
    "the mobile layout",
    "the API docs",
    "the backup job",
    "the retro",
    "the demo",
    "the release notes",
    "the bug from yesterday",
    "the coffee machine",
];

pub const PREDICATES: &[&str] = &[
    "is green again",
    "looks slower than usual",
    "needs another review",
    "is ready to try",
    "broke on staging",
    "could use a second pair of eyes",
    "is finally done",
    "moved to Thursday",
    "works on my machine",
    "is blocked on the vendor",
    "has a typo in the title",
    "should be faster now",
    "needs a decision today",
    "is in the shared folder",
    "passed all the checks",
    "is waiting on legal",
    "got a lot of good feedback",
];

pub const CLOSERS: &[&str] = &[
    "",
    "",
    "",
    " 🙂",
    " thoughts?",
    " will check later.",
    " see thread.",
    " 🎉",
    " ping me if you need help.",
    " no rush.",
    " ty!",
    " (again)",
    " more soon.",
];

pub const REPLIES: &[&str] = &[
    "+1",
    "on it",
    "thanks!",
    "looks good to me",
    "I can take a look after lunch",
    "same here",
    "nice work",
    "can you share the link?",
    "let me check",
    "agreed",
    "I had the same problem yesterday",
    "fixed, I think",
    "not on my side",
    "let's discuss tomorrow",
    "great, merging",
];

pub const REACTIONS: &[&str] = &[
    "thumbsup", "heart", "smile", "laughing", "tada", "eyes", "rocket", "thinking", "fire", "check", "clap", "100",
];

pub const POST_TITLES: &[&str] = &[
    "How do you organise your week?",
    "Show your desk setup",
    "What should we build next?",
    "Tips for running a good retro",
    "Favourite keyboard shortcuts",
    "Self-hosting on a small budget",
    "Ask me anything about databases",
    "Release candidate feedback thread",
    "Best terminal fonts",
    "What we learned from our last outage",
    "Weekly wins",
    "Book recommendations for the winter",
    "Is it worth learning Rust?",
    "Remote work: what helps you focus?",
    "Accessibility checklist draft",
    "Proposal: quieter notifications",
    "Pet photos, the official thread",
    "Onboarding: what did you miss?",
];

pub const POST_BODIES: &[&str] = &[
    "Curious how others handle this. Here is what works for me so far, but I'd love to hear more.",
    "I wrote down a few notes below. Comments and corrections welcome.",
    "Long-time reader, first post. Be kind!",
    "We tried three approaches last quarter; summary in the comments.",
    "Drop your answers below and vote up the ones you agree with.",
];

pub const TAGS: &[&str] = &["question", "meta", "show", "howto", "discussion", "feedback", "news"];
