"""Word lists for dumpgen: names, topics, places and templates in the site's voice.

Every title template uses one actor, one topic and one place; dumpgen picks them by a bijection of
the article number, so the lists must stay free of duplicates (a test checks it).
"""

ACTORS = (
    "Tokayev", "Mirziyoyev", "Japarov", "Rahmon", "Berdimuhamedov", "Nazarbayev", "Erdogan",
    "Putin", "Xi Jinping", "Modi", "Macron", "Scholz", "Blinken", "Lavrov", "Aliyev",
    "Pashinyan", "Lukashenko", "Guterres", "Von der Leyen", "Kassym-Jomart Tokayev",
    "Sadyr Japarov", "Shavkat Mirziyoyev", "Emomali Rahmon", "Serdar Berdimuhamedov",
    "the World Bank", "the IMF", "the EBRD", "the ADB", "the SCO", "the CSTO", "the EAEU",
    "the OSCE", "UNICEF", "the UNDP", "the EU", "NATO", "Gazprom", "KazMunayGas", "Rosatom",
    "Uzbekneftegaz", "Kazatomprom", "Air Astana", "Uzbekistan Airways", "Samruk-Kazyna",
    "the Kremlin", "Beijing", "Washington", "Brussels", "Ankara", "Tehran", "the Taliban",
    "the Mayor of Tashkent", "Astana’s Akimat", "the Bishkek Council",
    "the Parliament of Tajikistan",
    "the Mazhilis", "the Oliy Majlis", "the Jogorku Kenesh", "Halyk Bank", "Kaspi.kz",
    "Freedom Holding", "Chevron", "TotalEnergies", "Eni", "Ryanair",
)

TOPICS = (
    "Water Diplomacy", "Rail Corridor", "Grain Exports", "Oil & Gas", "Uranium Output",
    "Nuclear Plant", "Solar Parks", "Wind Farms", "Hydropower", "Labor Migration",
    "Remittances", "Inflation", "Tenge Slide", "Som Reform", "Border Talks", "Visa Regime",
    "Press Freedom", "Anti-Corruption Drive", "Pension Reform", "Tax Code", "Digital ID",
    "Crypto Mining", "Fintech Boom", "Cotton Harvest", "Wheat Prices", "Aral Sea Revival",
    "Glacier Melt", "Drought", "Earthquake Readiness", "Road Safety", "Air Pollution",
    "Middle Corridor", "Caspian Pipeline", "Rare Earths", "Copper Mines", "Gold Reserves",
    "Tourism Surge", "Silk Road Revival", "Education Reform", "Healthcare Spending",
    "Military Drills", "Election Law", "Constitutional Reform", "Language Policy",
    "Religious Freedom", "Media Law", "Foreign Investment", "Trade Surplus", "Power Grid",
    "Coal Phase-Out", "Gas Shortages", "Food Security", "Wildlife Protection",
    "Snow Leopards", "Horse Games", "Film Festival", "Startup Scene", "AI Strategy",
    "Space Program", "Chess Olympiad",
)

PLACES = (
    "Kazakhstan", "Uzbekistan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Afghanistan",
    "Central Asia", "the Caspian", "the Fergana Valley", "Astana", "Almaty", "Tashkent",
    "Samarkand", "Bukhara", "Khiva", "Bishkek", "Osh", "Dushanbe", "Khujand", "Ashgabat",
    "Mary", "Termez", "Nukus", "Karakalpakstan", "Mangystau", "Atyrau", "Aktau", "Shymkent",
    "Karaganda", "Pavlodar", "Semey", "Issyk-Kul", "Naryn", "Batken", "Gorno-Badakhshan",
    "the Pamirs", "the Tian Shan", "Lake Balkhash", "the Syr Darya", "the Amu Darya",
    "Baikonur", "Turkestan", "Kokand", "Andijan", "Namangan",
)

TITLES = (
    "{a} on {c}’s {b}: Reforms, Diplomacy, and Risks",
    "Opinion: What Will {a}’s {b} Mean for {c}?",
    "{c} and {a}: {n} Lessons on {b}",
    "{a} Unveils {b} Plan for {c}",
    "Could {c} Be the Key to {a}’s {b}?",
    "{b} in {c}: {a} Weighs In",
    "{n} Years On, {a} Revisits {b} in {c}",
    "Why {a} Bets on {b} in {c}",
    "{c}’s {b} Captures {a}’s Focus",
    "Diplomacy in Detail: {a} Takes {b} to {c}",
    "{a} Warns of {b} Setbacks Across {c}",
    "Is {c} Ready for {b}? {a} Says Yes",
    "{b}: {a} Signs {n} Deals With {c}",
    "Inside {c}’s {b} Push, as {a} Looks On",
)

CREDITS = (
    "Akorda", "Pixabay", "Wikimedia Commons", "president.uz", "TCA", "Depositphotos",
    "gov.kz", "Unsplash", "Vlast.kz", "24.kg",
)

SENTENCES = (
    "{actor} discussed {topic} with officials in {place}, stressing the need for steady growth.",
    "According to {actor}, {topic} in {place} grew by {pct}% last year.",
    "Analysts in {place} said that {topic} would remain a priority until at least {year}.",
    "“We are open to cooperation,” {actor} stated, adding that {topic} matters to {place}.",
    "The government of {place} approved {n} projects related to {topic} in {year}.",
    "Critics argue that {actor}’s approach to {topic} overlooks the needs of {place}.",
    "In {year}, {place} hosted {n} delegates for a forum on {topic}.",
    "Kazakhstan's role as a \"stabilizing force\" was noted by {actor} during talks in {place}.",
    "Observers in {place} expect {topic} to attract {n} million dollars of investment.",
    "{actor} described {topic} as \"a matter of national importance\" for {place}.",
    "Since {year}, {place} has reported a {pct}% rise in spending on {topic}.",
    "Local residents in {place} told TCA that {topic} has changed their daily lives.",
    "The agreement, signed by {actor}, covers {topic} and {n} related initiatives.",
    "Experts warned that {topic} in {place} could slow without reforms by {year}.",
    "{actor}’s office confirmed that talks on {topic} would resume in {place}.",
    "A report on {topic} ranked {place} among the top {n} in the region.",
    "The ministry in {place} said that the {topic} program reached {pct}% of its target.",
    "As {actor} put it, “{topic} is not a slogan; it is work,” speaking in {place}.",
)
