"""Realistic, varied, schema-valid synthetic Cargo-XML filings (XFWB direct/consolidation, XFZB, XFHL).

For tests, benchmarks and operators trying the service. Everything comes from the `random.Random`
passed in, so a seed always gives the same bytes. Content follows docs/domain.md: AWB numbers with a
correct mod-7 check digit under real-looking airline prefixes, parties from about 27 countries
(accented names, apostrophes and ampersands, newlines inside long names and streets, postcodes
present-but-empty where a country has none), specific goods descriptions with 6- to 10-digit HS
codes, weights in KGM or LBR, 1-3 flight legs, a security status with its e-CSD OCI lines in
filed order, and trader identifications. Nothing here is on the hot path.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

KINDS: tuple[str, ...] = ("XFWB-direct", "XFWB-consol", "XFZB", "XFHL")
DEFAULT_MIX: dict[str, float] = {"XFWB-direct": 0.40, "XFWB-consol": 0.20, "XFZB": 0.25, "XFHL": 0.15}

_UNSET: Any = object()
_KG_PER_LB = 0.45359237

# --- reference data -----------------------------------------------------------------------------

# AWB prefix -> (carrier code, hubs). Real prefixes of real airlines; hubs are their main airports.
AIRLINES: dict[str, tuple[str, tuple[str, ...]]] = {
    "020": ("LH", ("FRA", "MUC")),
    "057": ("AF", ("CDG",)),
    "074": ("KL", ("AMS",)),
    "125": ("BA", ("LHR",)),
    "160": ("CX", ("HKG",)),
    "176": ("EK", ("DXB",)),
    "180": ("KE", ("ICN",)),
    "235": ("TK", ("IST",)),
    "618": ("SQ", ("SIN",)),
    "001": ("AA", ("DFW", "MIA")),
    "006": ("DL", ("ATL", "JFK")),
    "016": ("UA", ("ORD", "EWR")),
    "014": ("AC", ("YYZ", "YVR")),
    "157": ("QR", ("DOH",)),
    "172": ("CV", ("LUX",)),
    "297": ("CI", ("TPE",)),
    "999": ("CA", ("PEK",)),
    "784": ("CZ", ("CAN",)),
    "781": ("MU", ("PVG",)),
    "081": ("QF", ("SYD",)),
    "131": ("JL", ("NRT",)),
    "205": ("NH", ("NRT",)),
    "217": ("TG", ("BKK",)),
    "607": ("EY", ("AUH",)),
    "075": ("IB", ("MAD",)),
    "724": ("LX", ("ZRH",)),
    "071": ("ET", ("ADD",)),
}
_PREFIXES = tuple(AIRLINES)


@dataclass(frozen=True, slots=True)
class _Country:
    code: str
    name: str
    currency: str
    tz: str
    phone: str
    # city, airport, postcode pattern (# digit, @ letter), subdivision
    cities: tuple[tuple[str, str, str, str], ...]
    street_fmt: str  # {s} street, {n} number
    streets: tuple[str, ...]
    surnames: tuple[str, ...]
    given: tuple[str, ...]
    suffixes: tuple[str, ...]
    industries: tuple[str, ...]
    person_fmt: str = "{g} {s}"


def _c(code: str, name: str, currency: str, tz: str, phone: str, cities: str, street_fmt: str, streets: str,
       surnames: str, given: str, suffixes: str, industries: str, person_fmt: str = "{g} {s}") -> _Country:
    rows = [[part.strip() for part in row.split("|")] + ["", ""] for row in cities.strip().split(";")]
    return _Country(
        code, name, currency, tz, phone,
        tuple((r[0], r[1], r[2], r[3]) for r in rows),
        street_fmt,
        tuple(s.strip() for s in streets.split(";")),
        tuple(s.strip() for s in surnames.split(";")),
        tuple(s.strip() for s in given.split(";")),
        tuple(s.strip() for s in suffixes.split(";")),
        tuple(s.strip() for s in industries.split(";")),
        person_fmt,
    )


COUNTRIES: dict[str, _Country] = {c.code: c for c in (
    _c("DE", "Germany", "EUR", "+01:00", "49",
       "FRANKFURT AM MAIN|FRA|605##; München|MUC|80###; Hamburg|HAM|22###; Köln|CGN|50###;"
       " Stuttgart|STR|70###; Düsseldorf|DUS|40###; Leipzig|LEJ|04###; Nürnberg|NUE|90###",
       "{s} {n}", "Hauptstraße; Industriestraße; Bahnhofstraße; Gutenbergstraße; Königsallee; Am Flughafen;"
       " Siemensstraße; Schloßstraße; Lindenallee; Mörfelder Landstraße",
       "Müller; Schäfer; Weiß; Groß; Köhler; Schröder; Krüger; Jäger; Fuchs; Hoffmann; Böhm; Zimmermann",
       "Jürgen; Matthias; Sabine; Jörg; Ursula; Björn; Katrin; Günther; Andreas; Stefanie",
       "GmbH; GmbH & Co. KG; AG; KG", "Maschinenbau; Elektrotechnik; Feinmechanik; Präzisionsteile;"
       " Medizintechnik; Kunststofftechnik; Autoteile"),
    _c("FR", "France", "EUR", "+01:00", "33",
       "PARIS|CDG|750##; Roissy-en-France|CDG|95700; Lyon|LYS|6900#; Toulouse|TLS|310##;"
       " Marseille|MRS|130##; Nice|NCE|06###",
       "{n} {s}", "rue de la République; avenue des Champs-Élysées; boulevard Haussmann; rue Saint-Honoré;"
       " rue du Faubourg Saint-Antoine; allée des Peupliers; rue de l'Église; chemin de la Forêt",
       "Dubois; Lefèvre; Girard; Bérenger; Mercier; Fournier; Gérard; Lemaître; Chevalier; Rousseau; Benoît",
       "Hélène; François; Amélie; Jérôme; Cécile; Stéphane; Noël; Zoé; Thérèse",
       "SAS; SARL; SA; et Fils SARL", "Industries; Électronique; Textiles; Mécanique de Précision;"
       " Cosmétiques; Équipements Médicaux"),
    _c("ES", "Spain", "EUR", "+01:00", "34",
       "MADRID|MAD|280##; Barcelona|BCN|080##; Valencia|VLC|460##; Zaragoza|ZAZ|500##; Sevilla|SVQ|410##",
       "{s} {n}", "Calle de Alcalá; Avenida de la Constitución; Paseo de la Castellana; Calle Mayor;"
       " Carrer de València; Avenida de Andalucía; Calle de la Peña",
       "García; Núñez; Peña; Ibáñez; Muñoz; Martínez; Sánchez; López; Gómez; Fernández; Ordóñez",
       "José; María; Jesús; Inés; Álvaro; Begoña; Raúl; Sofía; Íñigo; Lucía",
       "S.L.; S.A.; Hermanos S.L.", "Industrias; Textil; Componentes; Electrónica; Cerámica"),
    _c("IT", "Italy", "EUR", "+01:00", "39",
       "MILANO|MXP|201##; Roma|FCO|001##; Bologna|BLQ|401##; Torino|TRN|101##; Venezia|VCE|301##",
       "{s} {n}", "Via Roma; Corso Buenos Aires; Via Giuseppe Garibaldi; Viale dell'Industria; Via Nazionale;"
       " Piazza del Duomo",
       "Rossi; Bianchi; Ferrari; Esposito; Colombo; Ricci; Marino; Greco; D'Angelo; Dell'Acqua",
       "Giuseppe; Francesca; Niccolò; Chiara; Lorenzo; Giulia; Matteo; Alessandra; Luca",
       "S.p.A.; S.r.l.; & Figli S.r.l.",
       "Meccanica; Tessile; Calzature; Occhialeria; Arredamenti; Componenti"),
    _c("PL", "Poland", "PLN", "+01:00", "48",
       "WARSZAWA|WAW|00-###; Kraków|KRK|31-###; Łódź|LCJ|90-###; Gdańsk|GDN|80-###; Wrocław|WRO|50-###;"
       " Poznań|POZ|60-###",
       "{s} {n}", "ul. Marszałkowska; ul. Piotrkowska; al. Jerozolimskie; ul. Długa; ul. Świętokrzyska;"
       " ul. Żwirki i Wigury",
       "Kowalski; Wiśniewski; Wójcik; Kamiński; Lewandowski; Zieliński; Szymański; Woźniak; Dąbrowski",
       "Łukasz; Małgorzata; Paweł; Agnieszka; Krzysztof; Żaneta; Michał; Katarzyna; Wojciech",
       "Sp. z o.o.; S.A.; Sp.j.", "Meble; Elektronika; Kosmetyki; Części Samochodowe; Tekstylia"),
    _c("NL", "Netherlands", "EUR", "+01:00", "31",
       "AMSTERDAM|AMS|10## @@; Schiphol|AMS|1118 @@; Rotterdam|RTM|30## @@; Eindhoven|EIN|56## @@;"
       " Maastricht|MST|62## @@",
       "{s} {n}",
       "Keizersgracht; Stationsweg; Evert van de Beekstraat; Industrieweg; Kerkstraat; Havenstraat",
       "de Vries; van den Berg; Jansen; Bakker; Visser; Smit; Meijer; de Jong; van Dijk; Mulder",
       "Jan; Pieter; Anouk; Sanne; Bram; Femke; Daan; Ruud",
       "B.V.; N.V.; Holding B.V.", "Handelmaatschappij; Precisietechniek; Elektronica; Kunststoffen"),
    _c("GB", "United Kingdom", "GBP", "+00:00", "44",
       "LONDON|LHR|EC1A #@@; London|LHR|SW1A #@@; Manchester|MAN|M# #@@; Birmingham|BHX|B## #@@;"
       " East Midlands|EMA|DE74 #@@; Glasgow|GLA|G# #@@",
       "{n} {s}",
       "High Street; Station Road; Church Lane; Victoria Road; King's Road; Harbour Way; Mill Lane",
       "Smith; Jones; Taylor; O'Brien; Brown; Williams; Davies; Evans; Thompson; McDonald; O'Connor",
       "James; Oliver; Charlotte; Emily; Harry; Sophie; George; Amelia",
       "Ltd; Limited; PLC; & Sons Ltd",
       "Engineering; Precision Components; Textiles; Instruments; Aerospace"),
    _c("IE", "Ireland", "EUR", "+00:00", "353",
       "DUBLIN|DUB|D0# @###; Cork|ORK|T12 @###; Shannon|SNN|V14 @###; Limerick|SNN|",
       "{n} {s}", "O'Connell Street; Harbour Point Business Park; Grafton Street; Main Street; Dock Road",
       "O'Brien; Murphy; Kelly; O'Sullivan; Walsh; Byrne; Ó Súilleabháin; McCarthy; Ryan; Doyle",
       "Seán; Siobhán; Aoife; Pádraig; Ciarán; Niamh; Eoin; Róisín",
       "Ltd; Limited; & Sons Ltd; DAC", "Medical Devices; Engineering; Foods; Technologies"),
    _c("TR", "Türkiye", "TRY", "+03:00", "90",
       "İSTANBUL|IST|34###; Ankara|ESB|06###; İzmir|ADB|35###; Bursa|YEI|16###; Antalya|AYT|07###",
       "{s} No:{n}",
       "Atatürk Caddesi; İstiklal Caddesi; Cumhuriyet Bulvarı; Organize Sanayi Bölgesi 3. Cadde;"
       " Gazi Mustafa Kemal Bulvarı",
       "Yılmaz; Kaya; Demir; Şahin; Çelik; Yıldız; Öztürk; Aydın; Özdemir; Arslan",
       "Mehmet; Ayşe; Mustafa; Fatma; Emre; Zeynep; Burak; Gülşen; Ömer",
       "A.Ş.; Ltd. Şti.; San. ve Tic. A.Ş.", "Tekstil; Otomotiv; Makina; Gıda; Elektronik; Deri"),
    _c("CN", "China", "CNY", "+08:00", "86",
       "SHANGHAI|PVG|200###; Shenzhen|SZX|518###; Guangzhou|CAN|510###; Beijing|PEK|100###;"
       " Ningbo|NGB|315###; Xiamen|XMN|361###; Zhengzhou|CGO|450###; Chengdu|CTU|610###",
       "No. {n} {s}", "Zhangjiang Road; Keyuan Road; Huaihai Road; Jianshe Road; Renmin Road; Zhongshan Road;"
       " Binhai Avenue; Gaoxin South 7th Road",
       "Huaxin; Hongxing; Tianma; Jinlong; Dongfang; Xinhua; Baoli; Ruixiang; Yongsheng; Hengtai",
       "Wang Wei; Li Na; Zhang Min; Liu Yang; Chen Jie; Yang Fan; Zhao Lei; Huang Li",
       "Co., Ltd.; Co., Ltd; Industrial Co., Ltd.", "Electronics; Technology; Textile; Precision Machinery;"
       " Photonics; Battery", person_fmt="{g}"),
    _c("HK", "Hong Kong", "HKD", "+08:00", "852",
       "HONG KONG|HKG|; Kowloon|HKG|; Tsuen Wan|HKG|; Kwai Chung|HKG|",
       "{n} {s}", "Nathan Road; Des Voeux Road Central; Hennessy Road; Castle Peak Road; Chatham Road South",
       "Wing Hing; Tai Fung; Kwong Fat; Sun Lee; Man Shing; Tak Wah",
       "Chan Tai Man; Wong Siu Ming; Leung Ka Yan; Lee Mei Ling; Cheung Wai Kit",
       "(HK) Limited; Limited; Company Limited", "Trading; Electronics; Garment; Watch", person_fmt="{g}"),
    _c("JP", "Japan", "JPY", "+09:00", "81",
       "TOKYO|NRT|100-####; Narita|NRT|282-####; Osaka|KIX|530-####; Nagoya|NGO|450-####;"
       " Fukuoka|FUK|812-####",
       "{n}-{m}-{k} {s}", "Marunouchi; Shinjuku; Umeda; Sakae; Hakata Ekimae; Shibaura",
       "Tanaka; Suzuki; Satō; Takahashi; Watanabe; Itō; Yamamoto; Nakamura; Kobayashi; Katō",
       "Hiroshi; Yūko; Takeshi; Akiko; Kenji; Naoko; Shōta; Yōsuke",
       "Co., Ltd.; K.K.; Kabushiki Kaisha", "Electric; Precision; Optical; Chemical; Seiki; Kōgyō"),
    _c("KR", "Republic of Korea", "KRW", "+09:00", "82",
       "SEOUL|ICN|04###; Incheon|ICN|22###; Busan|PUS|48###; Changwon-si|PUS|51###; Daegu|TAE|41###",
       "{n}, {s}", "Teheran-ro; Gongdan-ro; Sejong-daero; Haeundae-ro; Seongsan-ro",
       "Hanil; Daehan; Mirae; Hanbit; Samhwa; Dongyang; Saebyeok",
       "Kim Min-jun; Lee Seo-yeon; Park Ji-hoon; Choi Yu-na; Jung Woo-jin",
       "Co., Ltd.; Corporation", "Electronics; Precision; Chemical; Semiconductor; Display",
       person_fmt="{g}"),
    _c("IN", "India", "INR", "+05:30", "91",
       "MUMBAI|BOM|4000##|MH; New Delhi|DEL|1100##|DL; Bengaluru|BLR|5600##|KA; Chennai|MAA|6000##|TN;"
       " Hyderabad|HYD|5000##|TG; Ahmedabad|AMD|3800##|GJ",
       "{n} {s}", "M.G. Road; Anna Salai; Linking Road; Nehru Place; Avinashi Road; Whitefield Main Road",
       "Sharma; Patel; Iyer; Reddy; Gupta; Nair; Krishnan; Mehta; Agarwal; Banerjee",
       "Rahul; Priya; Arjun; Lakshmi; Vikram; Ananya; Suresh; Deepa",
       "Pvt Ltd; Pvt. Ltd.; Limited", "Textiles; Pharmaceuticals; Engineering; Gems & Jewellery;"
       " Auto Components; Handicrafts"),
    _c("SG", "Singapore", "SGD", "+08:00", "65",
       "SINGAPORE|SIN|######",
       "{n} {s}", "Changi South Avenue 2; Jurong West Street 91; Airline Road; Tuas Avenue 8; Ubi Road 1",
       "Lion City; Merlion; Orchid; Straits; Jurong; Tanjong",
       "Tan Wei Ling; Lim Boon Keng; Ng Siew Hoon; Muhammad Faizal; Priya Nair",
       "Pte. Ltd.; Pte Ltd", "Electronics; Marine Supplies; Biomedical; Precision Engineering",
       person_fmt="{g}"),
    _c("VN", "Viet Nam", "VND", "+07:00", "84",
       "HO CHI MINH CITY|SGN|700000; Hà Nội|HAN|100000; Đà Nẵng|DAD|550000; Hải Phòng|HAN|180000",
       "{n} {s}", "Đường Nguyễn Huệ; Đường Lê Lợi; Phố Huế; Đường Trần Hưng Đạo; KCN Tân Thuận",
       "Phú Thịnh; Thành Công; Hòa Bình; Việt Tiến; Sài Gòn; Hưng Phát",
       "Nguyễn Văn An; Trần Thị Hoa; Lê Minh Tuấn; Phạm Thu Hằng; Hoàng Đức Anh",
       "Joint Stock Company; Co., Ltd", "Garment; Footwear; Seafood Processing; Furniture", person_fmt="{g}"),
    _c("TH", "Thailand", "THB", "+07:00", "66",
       "BANGKOK|BKK|10###; Samut Prakan|BKK|10540; Chiang Mai|CNX|50###",
       "{n} {s}", "Sukhumvit Road; Bangna-Trad Road; Rama IV Road; Silom Road",
       "Siam Thawee; Rattana; Sombat; Chao Phraya; Krungthep",
       "Somchai Jaidee; Suda Srisuk; Niran Wongsa; Kanya Thongdee",
       "Co., Ltd.; Public Company Limited", "Electronics; Rubber Products; Jewelry; Auto Parts",
       person_fmt="{g}"),
    _c("US", "United States", "USD", "-05:00", "1",
       "NEW YORK|JFK|100##|NY; Jamaica|JFK|11430|NY; Chicago|ORD|606##|IL; Los Angeles|LAX|900##|CA;"
       " Miami|MIA|331##|FL; Atlanta|ATL|303##|GA; Memphis|MEM|381##|TN; Seattle|SEA|981##|WA;"
       " Dallas|DFW|752##|TX; Houston|IAH|770##|TX",
       "{n} {s}", "Main Street; Commerce Drive; Industrial Parkway; Airport Boulevard; Broadway;"
       " Peachtree Street NE; Wacker Drive",
       "Johnson; Williams; Miller; Garcia; Rodriguez; O'Neil; Anderson; Martinez; Nguyen; Kowalczyk",
       "Michael; Jennifer; David; Maria; Robert; Ashley; Christopher; Jessica",
       "Inc.; LLC; Corp.", "Aerospace; Medical Devices; Semiconductors; Instruments; Apparel; Biologics"),
    _c("CA", "Canada", "CAD", "-05:00", "1",
       "TORONTO|YYZ|M#@ #@#|ON; Mississauga|YYZ|L#@ #@#|ON; Vancouver|YVR|V#@ #@#|BC;"
       " Montréal|YUL|H#@ #@#|QC; Calgary|YYC|T#@ #@#|AB",
       "{n} {s}", "Rue Sainte-Catherine; Bay Street; Kennedy Road; Boulevard René-Lévesque; Granville Street",
       "Tremblay; Gagnon; Roy; Côté; Bouchard; Smith; Wilson; MacDonald",
       "Émilie; Jean-François; Geneviève; Liam; Olivia; Noah",
       "Inc.; Ltd.; Ltée", "Aerospace; Maple Products; Mining Equipment; Technologies"),
    _c("MX", "Mexico", "MXN", "-06:00", "52",
       "CIUDAD DE MÉXICO|MEX|0####; Guadalajara|GDL|44###; Monterrey|MTY|64###",
       "{s} {n}", "Avenida Insurgentes Sur; Paseo de la Reforma; Calzada Independencia; Avenida Constitución",
       "Hernández; López; González; Pérez; Ramírez; Sánchez; Cruz; Jiménez",
       "José Luis; Guadalupe; Juan Carlos; María Fernanda; Alejandro",
       "S.A. de C.V.; S. de R.L. de C.V.", "Autopartes; Textiles; Dispositivos Médicos; Agroindustrias"),
    _c("BR", "Brazil", "BRL", "-03:00", "55",
       "SÃO PAULO|GRU|0####-###; Guarulhos|GRU|07###-###; Rio de Janeiro|GIG|2####-###;"
       " Campinas|VCP|13###-###; Manaus|MAO|69###-###",
       "{s}, {n}", "Avenida Paulista; Rua da Quitanda; Rua Augusta; Avenida Brigadeiro Faria Lima;"
       " Rodovia Hélio Smidt",
       "Silva; Santos; Oliveira; Souza; Conceição; Araújo; Gonçalves; Magalhães",
       "João; Ana; Luís; Fernanda; Sebastião; Letícia; Thiago",
       "Ltda.; S.A.", "Indústria e Comércio; Têxtil; Autopeças; Calçados; Eletrônicos"),
    _c("AE", "United Arab Emirates", "AED", "+04:00", "971",
       "DUBAI|DXB|; Dubai|DWC|; Abu Dhabi|AUH|; Sharjah|SHJ|",
       "{s} {n}", "Sheikh Zayed Road, Office; Al Maktoum Road, Unit; Jebel Ali Free Zone, Plot S;"
       " Dubai Airport Freezone, Building",
       "Al Noor; Al Fajr; Al Baraka; Dar Al Salam; Al Majd; Noor Al Khaleej",
       "Mohammed Al Mansoori; Fatima Al Hashimi; Ahmed Khalil; Rashid Al Nuaimi",
       "LLC; L.L.C.; FZE; FZCO", "General Trading; Electronics; Aviation Services; Building Materials",
       person_fmt="{g}"),
    _c("ZA", "South Africa", "ZAR", "+02:00", "27",
       "JOHANNESBURG|JNB|2###; Kempton Park|JNB|1619; Cape Town|CPT|8###; Durban|DUR|4###",
       "{n} {s}", "Jan Smuts Avenue; Rivonia Road; Voortrekker Road; Long Street",
       "van der Merwe; Botha; Nkosi; Dlamini; Naidoo; Pretorius; Mokoena",
       "Thabo; Johan; Nomvula; Pieter; Lerato; Sipho",
       "(Pty) Ltd; Pty Ltd", "Mining Supplies; Engineering; Automotive Components; Instruments"),
    _c("KE", "Kenya", "KES", "+03:00", "254",
       "NAIROBI|NBO|00100; Nairobi|NBO|00501; Mombasa|MBA|80100",
       "{s} {n}", "Mombasa Road, Plot; Kenyatta Avenue; Airport North Road, Shed; Enterprise Road, Godown",
       "Savannah; Rift Valley; Naivasha; Simba; Mount Kenya",
       "Wanjiru Kamau; Otieno Odhiambo; Achieng Atieno; Kiprop Kipchumba",
       "Ltd; Limited", "Horticulture; Tea Estates; Fresh Produce", person_fmt="{g}"),
    _c("AU", "Australia", "AUD", "+10:00", "61",
       "SYDNEY|SYD|2###|NSW; Melbourne|MEL|3###|VIC; Brisbane|BNE|4###|QLD; Perth|PER|6###|WA",
       "{n} {s}", "George Street; Collins Street; Botany Road; Qantas Drive",
       "Smith; Nguyen; Williams; O'Brien; Kelly; Wilson; Taylor",
       "Jack; Chloe; Lachlan; Mia; Cooper; Isla",
       "Pty Ltd; Pty. Limited", "Wool Exports; Medical; Mining Technology; Seafoods"),
    _c("SE", "Sweden", "SEK", "+01:00", "46",
       "STOCKHOLM|ARN|1## ##; Göteborg|GOT|4## ##; Malmö|MMX|2## ##",
       "{s} {n}", "Drottninggatan; Kungsgatan; Sveavägen; Hamngatan; Åsögatan",
       "Andersson; Johansson; Karlsson; Nilsson; Eriksson; Öberg; Åström; Söderberg",
       "Björn; Åsa; Lars; Märta; Göran; Ingrid; Sören",
       "AB; Aktiebolag", "Verkstads; Teknik; Medicinteknik; Instrument"),
    _c("CH", "Switzerland", "CHF", "+01:00", "41",
       "ZÜRICH|ZRH|80##; Basel|BSL|40##; Genève|GVA|12##",
       "{s} {n}", "Bahnhofstrasse; Rue du Rhône; Flughofstrasse; Freie Strasse; Route de Meyrin",
       "Müller; Meier; Schmid; Keller; Weber; Huber; Favre; Rochat",
       "Urs; Käthi; Reto; Ursina; Loïc; Mélanie",
       "AG; SA; & Cie SA", "Präzisionsmechanik; Pharma; Horlogerie; Instrumente"),
)}
_COUNTRY_CODES = tuple(COUNTRIES)
# Trade-weighted-ish choice of countries: big exporters/importers more often.
_COUNTRY_WEIGHTS = tuple({"CN": 9, "US": 8, "DE": 6, "HK": 4, "IN": 4, "JP": 3, "KR": 3, "GB": 3, "FR": 3,
                          "NL": 3, "IT": 3, "SG": 2, "VN": 2, "TR": 2, "CA": 2, "MX": 2, "BR": 2, "AE": 2}
                         .get(c, 1) for c in _COUNTRY_CODES)
_AIRPORT_COUNTRY = {city[1]: c.code for c in COUNTRIES.values() for city in c.cities}
_AIRPORT_COUNTRY.update({"DOH": "QA", "LUX": "LU", "TPE": "TW", "ADD": "ET", "EWR": "US"})
# Airports named only as hubs (no shipper cities there) still need a time zone for the schedule.

# Cores for company names that work in any language.
_CORES = ("Atlas", "Horizon", "Meridian", "Zenith", "Polaris", "Aurora", "Orient", "Phoenix", "Summit",
          "Keystone", "Silverline", "Bluewater", "Northgate", "Evergreen", "Pinnacle", "Sapphire", "Cobalt",
          "Vertex", "Granit", "Étoile", "Löwenherz", "Águila", "Yıldız", "Sakura", "Baekdu", "Garuda")
_FORWARDER_FORMS = ("{core} Logistics {suffix}", "{surname} Freight Forwarding {suffix}",
                    "{core} Cargo Services {suffix}", "{core} Shipping & Forwarding {suffix}",
                    "{surname} Air Freight {suffix}", "{core} Global Logistics {suffix}")

# (description, HS6, kg per piece low/high, extra SPH codes)
GOODS: tuple[tuple[str, str, float, float, tuple[str, ...]], ...] = (
    ("LITHIUM ION BATTERIES PACKED WITH EQUIPMENT", "850760", 2, 25, ("ELI",)),
    ("LITHIUM METAL BATTERIES CONTAINED IN EQUIPMENT", "850650", 1, 10, ("ELM",)),
    ("MEN'S COTTON T-SHIRTS", "610910", 5, 20, ()),
    ("WOMEN'S KNITTED WOOL SWEATERS", "611011", 5, 15, ()),
    ("MEN'S DENIM JEANS", "620342", 8, 25, ()),
    ("BABY CLOTHING OF COTTON", "611120", 3, 12, ()),
    ("SPARE PARTS FOR BOEING 737 LANDING GEAR", "880730", 10, 250, ()),
    ("AIRCRAFT ENGINE TURBINE BLADES", "841191", 5, 60, ()),
    ("MOBILE PHONES", "851713", 4, 18, ("ELI",)),
    ("LAPTOP COMPUTERS", "847130", 5, 20, ("ELI",)),
    ("PRINTED CIRCUIT BOARD ASSEMBLIES", "847330", 2, 15, ()),
    ("INTEGRATED CIRCUITS", "854231", 1, 8, ()),
    ("SEMICONDUCTOR WAFERS IN CARRIERS", "381800", 2, 12, ()),
    ("FRESH ATLANTIC SALMON ON ICE", "030214", 20, 35, ("PER", "COL")),
    ("FRESH CUT ROSES", "060311", 8, 20, ("PER", "COL")),
    ("FROZEN SHRIMPS", "030617", 10, 25, ("PER", "FRO")),
    ("FRESH MANGOES", "080450", 4, 12, ("PER",)),
    ("FRESH AVOCADOS", "080440", 4, 12, ("PER",)),
    ("INSULIN PREPARATIONS FOR HUMAN USE", "300431", 5, 40, ("PIL", "COL")),
    ("VACCINES FOR HUMAN MEDICINE", "300241", 5, 40, ("PIL", "COL")),
    ("MEDICAL DIAGNOSTIC REAGENTS", "382200", 2, 20, ("PIL",)),
    ("SURGICAL INSTRUMENTS OF STAINLESS STEEL", "901890", 2, 25, ()),
    ("DENTAL IMPLANTS OF TITANIUM", "902129", 1, 5, ()),
    ("CONTACT LENSES", "900130", 1, 6, ()),
    ("AUTOMOTIVE BRAKE PADS", "870830", 10, 30, ()),
    ("AUTOMOBILE TYRES", "401110", 8, 15, ()),
    ("ENGINE OIL FILTERS", "842123", 5, 20, ()),
    ("STAINLESS STEEL BALL BEARINGS", "848210", 10, 40, ()),
    ("HYDRAULIC PUMP FOR EXCAVATOR", "841360", 40, 300, ("HEA",)),
    ("ELECTRIC MOTORS, AC, MULTI-PHASE", "850152", 20, 200, ()),
    ("INDUSTRIAL SEWING MACHINES", "845229", 40, 120, ()),
    ("PLASTIC INJECTION MOULDS", "848071", 50, 400, ("HEA",)),
    ("WIND TURBINE CONTROL UNITS", "853710", 20, 80, ()),
    ("X-RAY TUBES FOR MEDICAL EQUIPMENT", "902230", 5, 30, ()),
    ("OPTICAL FIBRE CABLES ON REELS", "854470", 20, 90, ()),
    ("LED LIGHTING MODULES", "940542", 3, 15, ()),
    ("SOLAR PHOTOVOLTAIC CELLS", "854143", 10, 25, ()),
    ("TELECOMMUNICATION ROUTERS", "851762", 3, 12, ()),
    ("DIGITAL CAMERAS", "852589", 2, 10, ("ELI",)),
    ("LEATHER HANDBAGS", "420221", 3, 12, ()),
    ("SPORTS FOOTWEAR WITH RUBBER SOLES", "640411", 6, 15, ()),
    ("SILK SCARVES", "621410", 2, 8, ()),
    ("TEXTILE FABRICS OF COTTON, WOVEN", "520812", 20, 60, ()),
    ("BED SHEETS AND PILLOW CASES OF WOVEN COTTON", "630231", 10, 25, ()),
    ("CERAMIC TABLEWARE", "691200", 10, 25, ()),
    ("COFFEE BEANS, ROASTED", "090121", 10, 30, ()),
    ("DRIED DATES", "080410", 5, 20, ()),
    ("PRINTED BOOKS", "490199", 10, 25, ()),
    ("CHILDREN'S WOODEN PUZZLES", "950300", 3, 12, ()),
    ("WRIST WATCHES WITH STAINLESS STEEL CASE", "910211", 1, 5, ("VAL",)),
    ("GOLD JEWELLERY", "711319", 1, 5, ("VAL",)),
    ("POLYETHYLENE GRANULES", "390110", 20, 25, ()),
    ("COSMETIC CREAMS AND LOTIONS", "330499", 5, 15, ()),
    ("GOLF CLUBS", "950631", 8, 20, ()),
    ("OFFICE CHAIRS WITH METAL FRAME", "940171", 10, 25, ()),
    ("ELECTRIC BICYCLE FRAMES OF ALUMINIUM", "871491", 5, 15, ()),
    ("GEARBOX HOUSINGS OF CAST ALUMINIUM", "848340", 15, 120, ()),
    ("HUMAN BLOOD PLASMA FOR LABORATORY ANALYSIS", "300212", 2, 10, ("PIL", "COL")),
    ("LIVE TROPICAL ORNAMENTAL FISH", "030111", 5, 20, ("AVI",)),
)
# Descriptions that say nothing when used alone (docs/domain.md §7.2): optional, see `generic_rate`.
GENERIC_DESCRIPTIONS: tuple[str, ...] = (
    "SPARE PARTS", "GENERAL CARGO", "CONSUMER GOODS", "GIFTS", "SAMPLES", "ELECTRONICS", "PERSONAL EFFECTS",
    "VARIOUS GOODS", "FAK", "STC", "MERCHANDISE", "ACCESSORIES", "PARTS",
)
_CONSOL_DESCRIPTIONS = (
    "CONSOLIDATION AS PER ATTACHED MANIFEST", "CONSOL", "CONSOLIDATED CARGO AS PER ATTACHED MANIFEST",
    "CONSOLIDATION\nAS PER ATTACHED\nMANIFEST", "CONSOLIDATION AS PER ATTACHED LIST",
)
_OSI = ("HANDLE WITH CARE", "KEEP UPRIGHT", "DO NOT STACK", "KEEP DRY", "DOCS ATTACHED",
        "CONTACT CONSIGNEE ON ARRIVAL", "{n} PALLETS", "{n} CARTONS", "{n} CARTONS ON 1 SKID",
        "TEMPERATURE CONTROL 15 TO 25 DEGREES CELSIUS", "DELIVER TO BONDED WAREHOUSE")
_FREE_TEXT_CLAIMS = ("SPX BY KC {cc}/RA/{ra}", "SECURED BY REGULATED AGENT {cc}/RA/{ra}",
                     "CARGO SCREENED BY XRY")
SECURITY_STATUS_WEIGHTS: dict[str | None, int] = {"SPX": 72, "SCO": 12, "SHR": 5, "NSC": 7, None: 4}
_STATUSES = tuple(SECURITY_STATUS_WEIGHTS)
_STATUS_WEIGHTS = tuple(SECURITY_STATUS_WEIGHTS.values())
_METHODS_CURRENT = ("XRY", "XRY", "XRY", "EDS", "EDD", "ETD", "PHS", "VCK", "CMD", "AOM")
_METHODS_LEGACY = ("FRD", "PRT", "MDE", "VPT", "RES")
_OTHER_SPH = ("EAP", "EAP", "EAW", "ECC", "ECP")
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_CURRENCY_PER_USD = {"JPY": 150.0, "KRW": 1350.0, "INR": 83.0, "CNY": 7.2, "HKD": 7.8, "TRY": 32.0,
                     "VND": 25000.0, "THB": 36.0, "PLN": 4.0, "SEK": 10.5, "MXN": 17.0, "BRL": 5.0,
                     "ZAR": 18.5, "KES": 130.0, "AED": 3.67, "SGD": 1.35, "AUD": 1.5, "CAD": 1.36}

_EXTRA_NS = (
    ' xmlns:ns6="urn:un:unece:uncefact:codelist:standard:IANA:MIMEMediaType:2009-09-01"'
    ' xmlns:ns5="urn:un:unece:uncefact:codelist:standard:UNECE:TransportModeCode:2"'
    ' xmlns:ns8="urn:un:unece:uncefact:codelist:standard:6:Recommendation20:6"'
    ' xmlns:ns7="urn:un:unece:uncefact:codelist:standard:6:0133:40106"'
    ' xmlns:ns9="urn:un:unece:uncefact:codelist:standard:UNECE:DocumentNameCode:D09A"'
    ' xmlns:ns12="urn:un:unece:uncefact:codelist:standard:5:ISO42173A:2009-09-09"'
    ' xmlns:ns11="urn:un:unece:uncefact:identifierlist:standard:5:ISO316612A:SecondEdition2006VI-6"'
    ' xmlns:ns10="urn:un:unece:uncefact:codelist:standard:6:3055:D09A"'
    ' xmlns:ns4="urn:un:unece:uncefact:codelist:standard:IANA:CharacterSetCode:2007-05-14"'
    ' xmlns:ns3="urn:un:unece:uncefact:codelist:standard:UNECE:PartyRoleCode:D09A"'
)
PREFIX_STYLES: tuple[str, ...] = ("ns2", "rsm", "default")
_OVERRIDES = frozenset({
    "awb", "hawb", "houses", "shipper_name", "shipper_country", "consignee_name", "consignee_country",
    "description", "hs_codes", "pieces", "weight", "weight_unit", "origin", "destination", "legs", "sph",
    "security_status", "screening_methods", "known_consignor", "accepting_ra", "ra_expiry", "purpose",
    "prefix_style", "indent", "generic_rate", "free_text_claim",
})
_HOUSE_KEYS = frozenset({
    "hawb", "shipper_name", "shipper_country", "consignee_name", "consignee_country", "description",
    "hs_codes", "pieces", "weight", "security_status", "screening_methods", "known_consignor",
    "accepting_ra", "ra_expiry", "sph", "generic_rate", "free_text_claim",
})


# --- small helpers ------------------------------------------------------------------------------


def check_digit(serial: int | str) -> int:
    """The AWB check digit of a 7-digit serial: the serial modulo 7."""
    return int(serial) % 7


def awb_number(prefix: str, serial: int) -> str:
    """An AWB number 'PPP-SSSSSSSC' with the correct mod-7 check digit."""
    return f"{prefix}-{serial:07d}{serial % 7}"


def random_awb(rng: random.Random, prefix: str | None = None) -> str:
    """A random AWB number under a real airline prefix, check digit correct."""
    return awb_number(prefix or rng.choice(_PREFIXES), rng.randrange(1_000_000, 10_000_000))


def _esc(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _pattern(rng: random.Random, pattern: str) -> str:
    out = []
    for ch in pattern:
        if ch == "#":
            out.append(str(rng.randrange(10)))
        elif ch == "@":
            out.append(chr(65 + rng.randrange(26)))
        else:
            out.append(ch)
    return "".join(out)


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _fmt_weight(value: float) -> str:
    return f"{value:.1f}"


class _Doc:
    """Appends indented XML text; message-level elements get the message prefix, others the ram one."""

    __slots__ = ("depth", "ind", "m", "nl", "out", "r")

    def __init__(self, m: str, r: str, indent: str) -> None:
        self.out: list[str] = []
        self.m, self.r, self.ind = m, r, indent
        self.nl = "\n" if indent else ""
        self.depth = 0

    def open(self, name: str, msg: bool = False) -> None:
        self.out.append(f"{self.ind * self.depth}<{self.m if msg else self.r}{name}>{self.nl}")
        self.depth += 1

    def close(self, name: str, msg: bool = False) -> None:
        self.depth -= 1
        self.out.append(f"{self.ind * self.depth}</{self.m if msg else self.r}{name}>{self.nl}")

    def leaf(self, name: str, text: str, attrs: str = "") -> None:
        r = self.r
        self.out.append(f"{self.ind * self.depth}<{r}{name}{attrs}>{_esc(text)}</{r}{name}>{self.nl}")

    def empty(self, name: str) -> None:
        self.out.append(f"{self.ind * self.depth}<{self.r}{name}/>{self.nl}")


# --- the content of one shipment ----------------------------------------------------------------


@dataclass(slots=True)
class _Party:
    name: str
    street: str
    city: str
    postcode: str | None  # "" = present and empty, None = absent
    country: str
    subdivision: str
    po_box: str
    phone: str
    email: str
    contact: str


@dataclass(slots=True)
class _Line:
    description: str
    hs_codes: list[str]
    pieces: int
    weight: float  # in the filing's unit
    volume: float  # m3
    origin_country: str


@dataclass(slots=True)
class _Leg:
    flight: str
    carrier: str
    departure: str
    arrival: str
    dep_time: datetime
    arr_time: datetime


class _Gen:
    """One filing's worth of random choices, with the overrides applied."""

    def __init__(self, rng: random.Random, overrides: Mapping[str, Any]) -> None:
        unknown = set(overrides) - _OVERRIDES
        if unknown:
            raise TypeError(f"unknown override(s): {', '.join(sorted(unknown))}")
        self.rng = rng
        self._status: Any = _UNSET
        self.o = overrides
        self.unit = overrides.get("weight_unit") or ("LBR" if rng.random() < 0.15 else "KGM")
        if self.unit not in ("KGM", "LBR"):
            raise ValueError("weight_unit must be KGM or LBR")
        style = overrides.get("prefix_style") or rng.choice(PREFIX_STYLES)
        if style not in PREFIX_STYLES:
            raise ValueError(f"prefix_style must be one of {PREFIX_STYLES}")
        self.style = style
        indent = overrides.get("indent")
        self.indent = indent if indent is not None else rng.choice(("    ", "  ", "\t", "", "", ""))
        self.base = datetime(2025, 1, 6, 0, 0) + timedelta(minutes=rng.randrange(360 * 24 * 60))
        self.verbose = rng.random() < 0.4  # some senders fill every optional decoration
        self.generic_rate = overrides.get("generic_rate", 0.04)

    # --- places and parties

    def country(self, code: str | None = None) -> _Country:
        if code:
            return COUNTRIES.get(code) or COUNTRIES["US"]
        return COUNTRIES[self.rng.choices(_COUNTRY_CODES, _COUNTRY_WEIGHTS)[0]]

    def country_of_airport(self, airport: str | None) -> str | None:
        return _AIRPORT_COUNTRY.get(airport) if airport else None

    def party(self, c: _Country, role: str, airport: str | None = None, name: str | None = None) -> _Party:
        """A shipper/consignee/forwarder in country c (near `airport` when given)."""
        rng = self.rng
        cities = [x for x in c.cities if x[1] == airport] or list(c.cities)
        city, _apt, pc_pattern, subdivision = rng.choice(cities)
        surname = rng.choice(c.surnames)
        if name is None:
            if role == "forwarder":
                name = rng.choice(_FORWARDER_FORMS).format(
                    core=rng.choice(_CORES), surname=surname, suffix=rng.choice(c.suffixes))
            elif role == "person":
                name = c.person_fmt.format(g=rng.choice(c.given), s=surname)
            else:
                form = rng.randrange(4)
                if form == 0:
                    name = f"{surname} {rng.choice(c.industries)} {rng.choice(c.suffixes)}"
                elif form == 1:
                    other = rng.choice([s for s in c.surnames if s != surname] or [surname])
                    name = f"{surname} & {other} {rng.choice(c.suffixes)}"
                elif form == 2:
                    name = f"{rng.choice(_CORES)} {rng.choice(c.industries)} {rng.choice(c.suffixes)}"
                else:
                    name = f"{city.title()} {surname} {rng.choice(c.industries)} {rng.choice(c.suffixes)}"
            if rng.random() < 0.6:
                name = name.upper()
            if len(name) > 34 and rng.random() < 0.35:  # long names wrap onto a second line
                cut = name.rfind(" ", 0, len(name) // 2 + 6)
                if cut > 0:
                    name = name[:cut] + "\n" + name[cut + 1:]
            name = name[:70]
        street = c.street_fmt.format(s=rng.choice(c.streets), n=rng.randint(1, 480), m=rng.randint(1, 9),
                                     k=rng.randint(1, 30))
        if rng.random() < 0.12:
            street += "\n" + rng.choice(("BUILDING 3", "UNIT 12", "2ND FLOOR", "GATE 4", "HALL B"))
        if name.isupper():
            street, city = street.upper(), city.upper()
        postcode: str | None
        if not pc_pattern:
            postcode = rng.choice(("", None))
        elif rng.random() < 0.04:
            postcode = ""  # present and empty, as seen in real traffic
        else:
            postcode = _pattern(rng, pc_pattern)
        po_box = f"P.O. BOX {rng.randint(100, 99999)}" if c.code == "AE" else ""
        phone = c.phone + "".join(str(rng.randrange(10)) for _ in range(rng.randint(8, 10)))
        contact = c.person_fmt.format(g=rng.choice(c.given), s=rng.choice(c.surnames))
        email = ""
        if rng.random() < 0.3:
            local = "".join(ch for ch in contact.lower() if ch.isascii() and ch.isalpha())[:12] or "cargo"
            email = f"{local}@example.{c.code.lower()}"
        return _Party(name, street[:70], city, postcode, c.code, subdivision, po_box, phone, email, contact)

    def route(self, carrier_prefix: str, origin: str, destination: str) -> list[_Leg]:
        """1-3 legs from origin to destination on the AWB's carrier, with scheduled times."""
        rng = self.rng
        forced = self.o.get("legs")
        code, hubs = AIRLINES[carrier_prefix]
        if forced is not None and not isinstance(forced, int):
            legs = []
            t = self.base
            for flight, dep, arr, when in forced:
                t = datetime.fromisoformat(when) if when else t + timedelta(hours=6)
                legs.append(_Leg(flight, flight[:2], dep, arr, t, t + timedelta(hours=rng.randint(2, 12))))
            return legs
        want = forced if isinstance(forced, int) else rng.choices((1, 2, 3), (55, 35, 10))[0]
        points = [origin]
        for hub in hubs[: max(0, want - 1)]:
            if hub not in (origin, destination) and hub not in points:
                points.append(hub)
        points.append(destination)
        legs = []
        t = self.base.replace(second=0) + timedelta(hours=rng.randint(12, 60))
        for i in range(len(points) - 1):
            duration = timedelta(minutes=rng.randint(75, 14 * 60))
            number = rng.randint(1, 9899) if rng.random() < 0.5 else rng.randint(8000, 8999)
            flight = f"{code}{number}"
            legs.append(_Leg(flight, code, points[i], points[i + 1], t, t + duration))
            t = t + duration + timedelta(minutes=rng.randint(90, 20 * 60))
        return legs

    # --- goods

    def lines(self, total_pieces: int | None = None, total_weight: float | None = None,
              count: int | None = None, origin_country: str = "CN") -> list[_Line]:
        """1-2 goods lines (1 when a description is forced), weights in the filing's unit."""
        rng, o = self.rng, self.o
        forced = o.get("description")
        n = 1 if forced is not None else (count or rng.choices((1, 2, 3), (85, 13, 2))[0])
        goods = rng.sample(GOODS, n)
        pieces_total = total_pieces if total_pieces is not None else o.get("pieces")
        weight_total = total_weight if total_weight is not None else o.get("weight")
        out = []
        for desc, hs6, lo, hi, _sph in goods:
            if forced is not None:
                desc = forced
            elif rng.random() < self.generic_rate:
                desc = rng.choice(GENERIC_DESCRIPTIONS)
            band = rng.choices(((1, 5), (6, 30), (31, 200)), (50, 35, 15))[0]
            pieces = rng.randint(*band)
            kg = max(0.1, pieces * rng.uniform(lo, hi))
            weight = kg if self.unit == "KGM" else kg / _KG_PER_LB
            hs = o.get("hs_codes")
            if hs is None:
                hs = [hs6 + "".join(str(rng.randrange(10)) for _ in range(rng.choice((0, 2, 4))))]
                if rng.random() < 0.1:
                    hs.append(hs6[:4] + "".join(str(rng.randrange(10)) for _ in range(rng.choice((2, 4, 6)))))
            if forced is None and desc[:2] == "LI" and rng.random() < 0.3:
                desc += rng.choice((" - NOT RESTRICTED", " NOT RESTRICTED AS PER SP A67"))
            out.append(_Line(desc, list(hs), pieces, round(weight, 1) or 0.1,
                             round(max(0.001, kg / rng.uniform(90, 320)), 3), origin_country))
        if pieces_total is not None:
            _spread_int(rng, out, int(pieces_total))
        if weight_total is not None:
            _spread_weight(rng, out, float(weight_total))
        return out

    def sph_for(self, lines: Sequence[_Line]) -> list[str]:
        """Special handling codes: e-AWB codes, the goods' own codes and the security status."""
        rng, o = self.rng, self.o
        if "sph" in o:
            codes = list(o["sph"])
        else:
            codes = [rng.choice(_OTHER_SPH)] if rng.random() < 0.7 else []
            by_desc = {g[0]: g[4] for g in GOODS}
            for line in lines:
                for code in by_desc.get(line.description, ()):
                    if code not in codes:
                        codes.append(code)
        status = self.status()
        if status:
            codes.insert(rng.randrange(len(codes) + 1), status)
        return codes

    def child(self, overrides: Mapping[str, Any]) -> _Gen:
        """A generator for one house of a manifest: same message settings, its own overrides."""
        bad = set(overrides) - _HOUSE_KEYS
        if bad:
            raise TypeError(f"unknown house override(s): {', '.join(sorted(bad))}")
        kid = _Gen(self.rng, {"weight_unit": self.unit, "prefix_style": self.style, "indent": self.indent})
        kid.o, kid.base, kid.verbose = overrides, self.base, self.verbose
        kid.generic_rate = overrides.get("generic_rate", self.generic_rate)
        return kid

    def status(self) -> str | None:
        """The security status of this consignment, drawn once."""
        if self._status is _UNSET:
            s = self.o.get("security_status", _UNSET)
            if s is _UNSET:
                s = self.rng.choices(_STATUSES, _STATUS_WEIGHTS)[0]
            self._status = s
        return self._status

    def security_notes(self, country: str, shipper: _Party, consignee: _Party) -> list[tuple[str, ...]]:
        """OCI lines in filed order: trader ids (SHP/CNE), e-CSD (ISS RA, ED, SM..., KC, SN, SD, OSS)."""
        rng, o = self.rng, self.o
        status = self.status()
        traders: list[tuple[str, ...]] = []
        if rng.random() < 0.45:
            traders.append(("T", _trader_id(rng, shipper.country), "SHP", shipper.country))
            if rng.random() < 0.3:
                traders.append(("CP", shipper.contact.upper(), "SHP", shipper.country))
        if rng.random() < 0.35:
            traders.append(("T", _trader_id(rng, consignee.country), "CNE", consignee.country))
            if rng.random() < 0.3:
                traders.append(("CT", consignee.phone, "CNE", consignee.country))
        sec: list[tuple[str, ...]] = []
        methods = o.get("screening_methods")
        if status is not None or methods:
            issued = self.base - timedelta(hours=rng.randint(2, 40), minutes=rng.randrange(60))
            expiry = o.get("ra_expiry") or _mmyy(issued + timedelta(days=rng.randint(40, 1100)))
            kc = o.get("known_consignor")
            if kc is None:
                kc = status in ("SPX", "SCO") and rng.random() < 0.2
            if status == "NSC" and not methods and rng.random() < 0.5:
                pass  # unsecured cargo usually travels without an e-CSD
            else:
                sec.append(("RA", _ra_id(rng, country), "ISS", country))
                sec.append(("ED", expiry, "", ""))
                if methods is None and status in ("SPX", "SCO", "SHR") and not (kc and rng.random() < 0.6):
                    methods = _methods(rng, 2 if status == "SHR" else rng.choice((1, 1, 1, 2)))
                if methods:
                    if rng.random() < 0.5:
                        sec.extend(("SM", m, "", "") for m in methods)
                    else:
                        sec.append(("SM", ",".join(methods), "", ""))
                if kc:
                    kc_id = kc if isinstance(kc, str) else _ra_id(rng, shipper.country, "KC")
                    sec.append(("KC", kc_id, "ISS", shipper.country))
                    sec.append(("ED", _mmyy(issued + timedelta(days=rng.randint(60, 900))), "", ""))
                officer = self.party(COUNTRIES.get(country) or self.country(), "person").contact
                sec.append(("SN", officer.upper(), "", ""))
                sec.append(("SD", _issued_on(issued), "", ""))
                accepting = o.get("accepting_ra")
                if accepting is None:
                    accepting = rng.random() < 0.2
                if accepting:
                    sec.append(("RA", _ra_id(rng, country), "OSS", country))
                    sec.append(("ED", _mmyy(issued + timedelta(days=rng.randint(40, 900))), "", ""))
        return traders + sec if rng.random() < 0.7 else sec + traders

    def osi(self, pieces: int) -> tuple[list[str], list[str]]:
        """(SSR, OSI) free-text lines; a free-text security claim only when asked or rarely."""
        rng = self.rng
        osi = [rng.choice(_OSI).format(n=max(1, pieces // rng.randint(1, 8)))
               for _ in range(rng.choices((0, 1, 2), (45, 40, 15))[0])]
        ssr: list[str] = []
        claim = self.o.get("free_text_claim")
        if claim is None:
            claim = rng.random() < 0.01
        if claim:
            text = claim if isinstance(claim, str) else rng.choice(_FREE_TEXT_CLAIMS)
            ssr.append(text.format(cc="DE", ra=f"{rng.randint(10, 99999):05d}-01"))
        return ssr, osi


def _spread_int(rng: random.Random, lines: list[_Line], total: int) -> None:
    if len(lines) == 1 or total < len(lines):
        lines[0].pieces = total
        for line in lines[1:]:
            line.pieces = 0
        return
    cuts = sorted(rng.sample(range(1, total), len(lines) - 1))
    for line, a, b in zip(lines, [0, *cuts], [*cuts, total], strict=True):
        line.pieces = b - a


def _spread_weight(rng: random.Random, lines: list[_Line], total: float) -> None:
    if len(lines) == 1:
        lines[0].weight = round(total, 1)
        return
    shares = [rng.uniform(0.2, 1.0) for _ in lines]
    s = sum(shares)
    for line, share in zip(lines, shares, strict=True):
        line.weight = round(total * share / s, 1)
    lines[-1].weight = round(total - sum(x.weight for x in lines[:-1]), 1)


def _mmyy(d: datetime) -> str:
    return f"{d.month:02d}{d.year % 100:02d}"


def _issued_on(d: datetime) -> str:
    return f"{d.day:02d}{_MONTHS[d.month - 1]}{d.year % 100:02d}{d.hour:02d}{d.minute:02d}"


def _ra_id(rng: random.Random, country: str, kind: str = "RA") -> str:
    number = f"{rng.randint(1, 99999):05d}-{rng.randint(1, 9):02d}"
    return f"{country}/{kind}/{number}" if rng.random() < 0.5 else number


def _trader_id(rng: random.Random, country: str) -> str:
    digits = "".join(str(rng.randrange(10)) for _ in range(rng.randint(9, 13)))
    if country == "CN":
        return "USCI" + "".join(str(rng.randrange(10)) for _ in range(17)) + rng.choice("XYZ0123456789")
    if country == "US":
        return f"{digits[:2]}-{digits[2:9]}"
    return country + digits


def _methods(rng: random.Random, n: int) -> list[str]:
    out: list[str] = []
    while len(out) < n:
        code = rng.choice(_METHODS_LEGACY) if rng.random() < 0.1 else rng.choice(_METHODS_CURRENT)
        if code not in out:
            out.append(code)
    return out


def _house_number(rng: random.Random, origin: str, forwarder: str) -> str:
    words = forwarder.split()
    letters = "".join(w[0] for w in words if w[:1].isascii() and w[:1].isalpha())
    letters = (letters.upper() + "XXX")[:3]
    digits = str(rng.randint(10**7, 10**8 - 1))
    form = rng.randrange(4)
    if form == 0:
        return f"{origin}{digits}"
    if form == 1:
        return f"{letters}{digits}{rng.randint(0, 9)}"
    if form == 2:
        return f"{origin}-{digits[:6]}"
    return f"H{letters}{rng.randint(2024, 2025)}{digits[:5]}"


# --- writing the XML ----------------------------------------------------------------------------

_ROOTS = {
    "XFWB": ("Waybill", "iata:waybill:1", "3.00"),
    "XFZB": ("HouseWaybill", "iata:housewaybill:1", "3.00"),
    "XFHL": ("HouseManifest", "iata:housemanifest:1", "2.00"),
}


def _start(g: _Gen, kind: str) -> _Doc:
    root, ns, _version = _ROOTS[kind]
    if g.style == "ns2":
        doc = _Doc("ns2:", "", g.indent)
        decl = f' xmlns="iata:datamodel:3"{_EXTRA_NS if g.verbose else ""} xmlns:ns2="{ns}"'
    elif g.style == "rsm":
        doc = _Doc("rsm:", "ram:", g.indent)
        decl = f' xmlns:rsm="{ns}" xmlns:ram="iata:datamodel:3"'
    else:
        doc = _Doc("", "ram:", g.indent)
        decl = f' xmlns="{ns}" xmlns:ram="iata:datamodel:3"'
    standalone = ' standalone="yes"' if g.rng.random() < 0.5 else ""
    doc.out.append(f'<?xml version="1.0" encoding="UTF-8"{standalone}?>\n<{doc.m}{root}{decl}>{doc.nl}')
    doc.depth = 1
    return doc


def _finish(doc: _Doc, kind: str) -> bytes:
    doc.depth = 0
    doc.out.append(f"</{doc.m}{_ROOTS[kind][0]}>\n")
    return "".join(doc.out).encode("utf-8")


def _header(doc: _Doc, g: _Gen, kind: str, type_code: str, name: str, message_id: str,
            origin: str, carrier: str, tz: str) -> None:
    rng = g.rng
    issued = g.base - timedelta(hours=rng.randint(1, 30), minutes=rng.randrange(60))
    doc.open("MessageHeaderDocument", msg=True)
    doc.leaf("ID", message_id[:128])
    doc.leaf("Name", name)
    doc.leaf("TypeCode", type_code)
    doc.leaf("IssueDateTime", issued.strftime("%Y-%m-%dT%H:%M:%S") + tz)
    doc.leaf("PurposeCode", g.o.get("purpose") or ("Update" if rng.random() < 0.15 else "Creation"))
    doc.leaf("VersionID", _ROOTS[kind][2])
    if rng.random() < 0.4:
        doc.leaf("ConversationID", _uuid(rng))
    doc.open("SenderParty")
    doc.leaf("PrimaryID", rng.choice(("RIEGESOFTWARE", "CARGOWISE", "TRAXON", "CCNHUB", "DESCARTES")),
             ' schemeID="C"')
    doc.close("SenderParty")
    if rng.random() < 0.6:
        doc.open("SenderParty")
        agent = f"REUAGT{rng.randint(10, 99)}{origin}/{origin}{rng.randint(1, 9):02d}"
        doc.leaf("PrimaryID", agent, ' schemeID="P"')
        doc.close("SenderParty")
    doc.open("RecipientParty")
    doc.leaf("PrimaryID", rng.choice(("PACTXML", "CCSPROVIDERNAME", "ICS2STI", "ACASCBP")), ' schemeID="C"')
    doc.close("RecipientParty")
    if g.verbose:
        doc.open("RecipientParty")
        doc.leaf("PrimaryID", f"{origin}FM{carrier}", ' schemeID="T"')
        doc.close("RecipientParty")
    doc.close("MessageHeaderDocument", msg=True)


def _party_xml(doc: _Doc, element: str, p: _Party, contacts: bool = True) -> None:
    doc.open(element)
    doc.leaf("Name", p.name)
    doc.open("PostalStructuredAddress")
    if p.postcode is not None:
        if p.postcode:
            doc.leaf("PostcodeCode", p.postcode)
        else:
            doc.empty("PostcodeCode")
    doc.leaf("StreetName", p.street)
    doc.leaf("CityName", p.city)
    doc.leaf("CountryID", p.country)
    if p.po_box:
        doc.leaf("PostOfficeBox", p.po_box)
    if p.subdivision:
        doc.leaf("CountrySubDivisionID", p.subdivision)
    doc.close("PostalStructuredAddress")
    if contacts:
        doc.open("DefinedTradeContact")
        if p.email:
            doc.leaf("PersonName", p.contact)
        doc.open("DirectTelephoneCommunication")
        doc.leaf("CompleteNumber", p.phone)
        doc.close("DirectTelephoneCommunication")
        if p.email:
            doc.open("URIEmailCommunication")
            doc.leaf("URIID", p.email)
            doc.close("URIEmailCommunication")
        doc.close("DefinedTradeContact")
    doc.close(element)


def _weight_attr(unit: str) -> str:
    return f' unitCode="{unit}"'


def _location(doc: _Doc, element: str, airport: str) -> None:
    doc.open(element)
    doc.leaf("ID", airport)
    doc.close(element)


def _movements(doc: _Doc, legs: Sequence[_Leg], verbose: bool) -> None:
    for i, leg in enumerate(legs, 1):
        doc.open("SpecifiedLogisticsTransportMovement")
        doc.leaf("StageCode", "Main-Carriage")
        doc.leaf("ModeCode", "4")
        if verbose:
            doc.leaf("Mode", "Air transport")
        doc.leaf("ID", leg.flight)
        doc.leaf("SequenceNumeric", str(i))
        if verbose:
            doc.open("UsedLogisticsTransportMeans")
            doc.leaf("Name", leg.carrier)
            doc.close("UsedLogisticsTransportMeans")
        doc.open("ArrivalEvent")
        if verbose:
            doc.leaf("ScheduledOccurrenceDateTime", leg.arr_time.strftime("%Y-%m-%dT%H:%M:00"))
        doc.open("OccurrenceArrivalLocation")
        doc.leaf("ID", leg.arrival)
        if verbose:
            doc.leaf("TypeCode", "Airport")
        doc.close("OccurrenceArrivalLocation")
        doc.close("ArrivalEvent")
        doc.open("DepartureEvent")
        doc.leaf("ScheduledOccurrenceDateTime", leg.dep_time.strftime("%Y-%m-%dT%H:%M:00"))
        doc.open("OccurrenceDepartureLocation")
        doc.leaf("ID", leg.departure)
        if verbose:
            doc.leaf("TypeCode", "Airport")
        doc.close("OccurrenceDepartureLocation")
        doc.close("DepartureEvent")
        doc.close("SpecifiedLogisticsTransportMovement")


def _handling(doc: _Doc, sph: Sequence[str], ssr: Sequence[str], osi: Sequence[str]) -> None:
    for code in sph:
        doc.open("HandlingSPHInstructions")
        doc.leaf("DescriptionCode", code)
        doc.close("HandlingSPHInstructions")
    for element, texts in (("HandlingSSRInstructions", ssr), ("HandlingOSIInstructions", osi)):
        for text in texts:
            doc.open(element)
            doc.leaf("Description", text)
            doc.close(element)


def _notes(doc: _Doc, notes: Sequence[tuple[str, ...]]) -> None:
    for code, content, subject, country in notes:
        doc.open("IncludedCustomsNote")
        doc.leaf("ContentCode", code)
        doc.leaf("Content", content)
        if subject:
            doc.leaf("SubjectCode", subject)
        if country:
            doc.leaf("CountryID", country)
        doc.close("IncludedCustomsNote")


def _currency_factor(currency: str) -> float:
    return _CURRENCY_PER_USD.get(currency, 0.92 if currency in ("EUR", "CHF") else 0.8)


def _money(value: float, currency: str) -> str:
    return f"{value:.0f}" if currency in ("JPY", "KRW", "VND") else f"{value:.2f}"


def _item_xml(doc: _Doc, g: _Gen, element: str, seq: int, line: _Line, currency: str, master: bool) -> float:
    """One IncludedMasterConsignmentItem or IncludedHouseConsignmentItem; returns its freight charge."""
    rng, unit = g.rng, g.unit
    doc.open(element)
    doc.leaf("SequenceNumeric", str(seq))
    for code in line.hs_codes:
        doc.leaf("TypeCode", code)
    doc.leaf("GrossWeightMeasure", _fmt_weight(line.weight), _weight_attr(unit))
    if g.verbose or master:
        doc.leaf("GrossVolumeMeasure", f"{line.volume:.3f}", ' unitCode="MTQ"')
    doc.leaf("PieceQuantity", str(line.pieces))
    if rng.random() < 0.2:
        doc.leaf("Information", "NDA")
    doc.open("NatureIdentificationTransportCargo")
    doc.leaf("Identification", line.description)
    doc.close("NatureIdentificationTransportCargo")
    if rng.random() < 0.5:
        doc.open("OriginCountry")
        doc.leaf("ID", line.origin_country)
        doc.close("OriginCountry")
    if line.pieces and rng.random() < (0.5 if master else 0.25):
        per_piece = line.volume * 1e6 / line.pieces
        length, width = rng.choice((40, 60, 80, 100, 120)), rng.choice((30, 40, 60, 80))
        height = max(5, round(per_piece / (length * width)))
        doc.open("TransportLogisticsPackage")
        doc.leaf("ItemQuantity", str(line.pieces))
        doc.open("LinearSpatialDimension")
        doc.leaf("WidthMeasure", str(width), ' unitCode="CMT"')
        doc.leaf("LengthMeasure", str(length), ' unitCode="CMT"')
        doc.leaf("HeightMeasure", str(height), ' unitCode="CMT"')
        doc.close("LinearSpatialDimension")
        doc.close("TransportLogisticsPackage")
    kg = line.weight if unit == "KGM" else line.weight * _KG_PER_LB
    chargeable = max(kg, line.volume * 166.67)
    chargeable_filed = chargeable if unit == "KGM" else chargeable / _KG_PER_LB
    rate = round(rng.uniform(1.2, 6.5) * _currency_factor(currency), 2)
    charge = round(chargeable_filed * rate, 2)
    if not master and rng.random() < 0.5:
        doc.close(element)
        return charge
    doc.open("ApplicableFreightRateServiceCharge")
    doc.leaf("CategoryCode", "Q" if chargeable > 45 else "N")
    doc.leaf("ChargeableWeightMeasure", _fmt_weight(chargeable_filed), _weight_attr(unit))
    if master or rng.random() < 0.5:
        doc.leaf("AppliedRate", f"{rate:.2f}")
        doc.leaf("AppliedAmount", _money(charge, currency), f' currencyID="{currency}"')
    doc.close("ApplicableFreightRateServiceCharge")
    doc.close(element)
    return charge


# --- the message kinds --------------------------------------------------------------------------


def _xfwb(g: _Gen, consolidation: bool) -> bytes:
    rng, o = g.rng, g.o
    awb = o.get("awb") or random_awb(rng)
    prefix = awb[:3] if awb[:3] in AIRLINES else rng.choice(_PREFIXES)
    carrier = AIRLINES[prefix][0]
    shp_c, cne_c, origin, destination = _ends(g)
    role = "forwarder" if consolidation else "company"
    shipper = g.party(shp_c, role, origin, o.get("shipper_name"))
    cne_role = "forwarder" if consolidation else ("person" if rng.random() < 0.12 else "company")
    consignee = g.party(cne_c, cne_role, destination, o.get("consignee_name"))
    legs = g.route(prefix, origin, destination)

    if consolidation:
        n_houses = rng.randint(2, 12)
        desc = o.get("description") or rng.choice(_CONSOL_DESCRIPTIONS)
        hs = o.get("hs_codes")
        if hs is None:
            hs = [gd[1] for gd in rng.sample(GOODS, min(n_houses, rng.randint(0, 4)))]
        pieces = int(o["pieces"]) if o.get("pieces") is not None else rng.randint(n_houses, 40 * n_houses)
        if o.get("weight") is not None:
            weight = float(o["weight"])
        else:
            kg = pieces * rng.uniform(3, 40)
            weight = round(kg if g.unit == "KGM" else kg / _KG_PER_LB, 1)
        lines = [_Line(desc, list(hs), pieces, weight, round(max(0.01, weight / rng.uniform(100, 250)), 3),
                       shp_c.code)]
    else:
        lines = g.lines(origin_country=shp_c.code)
        n_houses = 0
    pieces_total = sum(x.pieces for x in lines)
    weight_total = round(sum(x.weight for x in lines), 1)
    volume_total = round(sum(x.volume for x in lines), 3)
    sph = g.sph_for(lines)
    ssr, osi = g.osi(pieces_total)
    if consolidation and rng.random() < 0.5:
        osi.insert(0, f"{n_houses} HOUSES")
    notes = g.security_notes(shp_c.code, shipper, consignee)
    currency = shp_c.currency

    doc = _start(g, "XFWB")
    type_code = "741" if consolidation else "740"
    name = "Master Air Waybill" if consolidation else rng.choice(("Air Waybill", "Master Air Waybill"))
    _header(doc, g, "XFWB", type_code, name, f"{awb}_{_uuid(rng)}", origin, carrier, shp_c.tz)

    doc.open("BusinessHeaderDocument", msg=True)
    doc.leaf("ID", awb)
    if rng.random() < 0.5:
        doc.leaf("SenderAssignedID", f"{origin}{rng.randint(10**9, 10**10 - 1)}")
    if consolidation:
        doc.open("IncludedHeaderNote")
        doc.leaf("ContentCode", "C")
        doc.leaf("Content", "Consolidation Shipment")
        doc.close("IncludedHeaderNote")
    if rng.random() < 0.3:
        doc.open("SignatoryConsignorAuthentication")
        doc.leaf("Signatory", shipper.contact.upper())
        doc.close("SignatoryConsignorAuthentication")
    doc.open("SignatoryCarrierAuthentication")
    doc.leaf("ActualDateTime", (g.base - timedelta(days=rng.randint(0, 2))).strftime("%Y-%m-%dT00:00:00"))
    doc.leaf("Signatory", g.party(shp_c, "person").contact.upper())
    doc.open("IssueAuthenticationLocation")
    doc.leaf("Name", origin)
    doc.close("IssueAuthenticationLocation")
    doc.close("SignatoryCarrierAuthentication")
    doc.close("BusinessHeaderDocument", msg=True)

    doc.open("MasterConsignment", msg=True)
    if rng.random() < 0.6:
        doc.leaf("ID", f"{rng.randint(10**9, 10**10 - 1)}")
    doc.leaf("NilCarriageValueIndicator", "true")
    doc.leaf("NilCustomsValueIndicator", "true")
    doc.leaf("NilInsuranceValueIndicator", "true")
    prepaid = rng.random() < 0.85
    doc.leaf("TotalChargePrepaidIndicator", "true" if prepaid else "false")
    doc.leaf("TotalDisbursementPrepaidIndicator", "true" if prepaid else "false")
    doc.leaf("IncludedTareGrossWeightMeasure", _fmt_weight(weight_total), _weight_attr(g.unit))
    doc.leaf("GrossVolumeMeasure", f"{volume_total:.3f}", ' unitCode="MTQ"')
    doc.leaf("TotalPieceQuantity", str(pieces_total))
    _party_xml(doc, "ConsignorParty", shipper)
    _party_xml(doc, "ConsigneeParty", consignee, contacts=rng.random() < 0.7)
    if rng.random() < 0.3:
        agent = shipper if consolidation else g.party(shp_c, "forwarder", origin)
        doc.open("FreightForwarderParty")
        doc.leaf("Name", agent.name)
        doc.leaf("CargoAgentID", f"{rng.randint(1000000, 9999999)}")
        doc.open("FreightForwarderAddress")
        doc.leaf("StreetName", agent.street)
        doc.leaf("CityName", agent.city)
        doc.leaf("CountryID", agent.country)
        doc.close("FreightForwarderAddress")
        doc.open("SpecifiedCargoAgentLocation")
        doc.leaf("ID", f"{rng.randint(0, 9999):04d}")
        doc.close("SpecifiedCargoAgentLocation")
        doc.close("FreightForwarderParty")
    _location(doc, "OriginLocation", origin)
    _location(doc, "FinalDestinationLocation", destination)
    _movements(doc, legs, g.verbose)
    _handling(doc, sph, ssr, osi)
    _notes(doc, notes)
    if g.verbose and rng.random() < 0.5:
        doc.open("AssociatedConsignmentCustomsProcedure")
        doc.leaf("GoodsStatusCode", rng.choice(("X", "T", "C")))
        doc.close("AssociatedConsignmentCustomsProcedure")
    doc.open("ApplicableOriginCurrencyExchange")
    doc.leaf("SourceCurrencyCode", currency)
    doc.close("ApplicableOriginCurrencyExchange")
    others = []
    for code, usd in (("MY", 0.8), ("SC", 0.15), ("AW", 25.0)):
        if rng.random() < 0.4:
            amount = round(usd * _currency_factor(currency) * (weight_total if code != "AW" else 1), 2)
            others.append((code, amount))
            doc.open("ApplicableLogisticsAllowanceCharge")
            doc.leaf("ID", code)
            doc.leaf("PrepaidIndicator", "true" if prepaid else "false")
            doc.leaf("PartyTypeCode", "C" if code != "AW" else "A")
            doc.leaf("ActualAmount", _money(amount, currency), f' currencyID="{currency}"')
            doc.close("ApplicableLogisticsAllowanceCharge")
    doc.open("ApplicableRating")
    doc.leaf("TypeCode", "F")
    doc.leaf("ConsignmentItemQuantity", str(len(lines)))
    charges = sum(_item_xml(doc, g, "IncludedMasterConsignmentItem", i, line, currency, True)
                  for i, line in enumerate(lines, 1))
    doc.close("ApplicableRating")
    doc.open("ApplicableTotalRating")
    doc.leaf("TypeCode", "F")
    doc.open("ApplicablePrepaidCollectMonetarySummation")
    doc.leaf("PrepaidIndicator", "true" if prepaid else "false")
    doc.leaf("WeightChargeTotalAmount", _money(charges, currency), f' currencyID="{currency}"')
    carrier_due = sum(a for c, a in others if c != "AW")
    agent_due = sum(a for c, a in others if c == "AW")
    cur = f' currencyID="{currency}"'
    if agent_due:
        doc.leaf("AgentTotalDuePayableAmount", _money(agent_due, currency), cur)
    if carrier_due:
        doc.leaf("CarrierTotalDuePayableAmount", _money(carrier_due, currency), cur)
    doc.leaf("GrandTotalAmount", _money(charges + carrier_due + agent_due, currency), cur)
    doc.close("ApplicablePrepaidCollectMonetarySummation")
    doc.close("ApplicableTotalRating")
    doc.close("MasterConsignment", msg=True)
    return _finish(doc, "XFWB")


def _ends(g: _Gen) -> tuple[_Country, _Country, str, str]:
    """Shipper and consignee countries with the origin and destination airports, consistent-ish."""
    rng, o = g.rng, g.o
    origin, destination = o.get("origin"), o.get("destination")
    shp_code = o.get("shipper_country") or g.country_of_airport(origin)
    shp_c = g.country(shp_code)
    cne_code = o.get("consignee_country") or g.country_of_airport(destination)
    cne_c = g.country(cne_code)
    for _ in range(10):
        if cne_c.code != shp_c.code or cne_code:
            break
        cne_c = g.country()
    origin = origin or rng.choice(shp_c.cities)[1]
    destination = destination or rng.choice([c[1] for c in cne_c.cities if c[1] != origin] or ["JFK"])
    if origin == destination and not o.get("destination"):
        destination = "JFK" if origin != "JFK" else "FRA"
    return shp_c, cne_c, origin, destination


class _House:
    """One house's content (parties, goods, security) for XFZB and XFHL."""

    def __init__(self, g: _Gen, shp_c: _Country, cne_c: _Country, origin: str, destination: str,
                 forwarder: str) -> None:
        rng, o = g.rng, g.o
        self.shipper = g.party(shp_c, "company", origin, o.get("shipper_name"))
        cne_role = "person" if rng.random() < 0.2 else "company"
        self.consignee = g.party(cne_c, cne_role, destination, o.get("consignee_name"))
        self.hawb = o.get("hawb") or _house_number(rng, origin, forwarder)
        self.lines = g.lines(origin_country=shp_c.code)
        self.pieces = sum(x.pieces for x in self.lines)
        self.weight = round(sum(x.weight for x in self.lines), 1)
        self.volume = round(sum(x.volume for x in self.lines), 3)
        if len(self.lines) == 1 or rng.random() < 0.5:
            self.summary = self.lines[0].description
        else:
            self.summary = ", ".join(x.description for x in self.lines)[:2000]
        self.sph = g.sph_for(self.lines)
        self.ssr, self.osi = g.osi(self.pieces)
        self.notes = g.security_notes(shp_c.code, self.shipper, self.consignee)
        self.origin, self.destination = origin, destination
        self.currency = shp_c.currency

    def write_line(self, doc: _Doc, g: _Gen, sequence: int) -> None:
        """The house as a line of an XFHL house manifest (the trade's shape: no parties, no items)."""
        rng = g.rng
        doc.open("IncludedHouseConsignment")
        doc.leaf("SequenceNumeric", str(sequence))
        doc.leaf("GrossWeightMeasure", _fmt_weight(self.weight), _weight_attr(g.unit))
        if rng.random() < 0.3:
            doc.leaf("PackageQuantity", str(self.pieces))
        doc.leaf("TotalPieceQuantity", str(self.pieces))
        doc.leaf("SummaryDescription", self.summary)
        doc.open("TransportContractDocument")
        doc.leaf("ID", self.hawb)
        doc.close("TransportContractDocument")
        _location(doc, "OriginLocation", self.origin)
        _location(doc, "FinalDestinationLocation", self.destination)
        _handling(doc, self.sph, self.ssr, self.osi)
        _notes(doc, self.notes)
        doc.close("IncludedHouseConsignment")

    def write(self, doc: _Doc, g: _Gen, legs: Sequence[_Leg]) -> None:
        """The house as the IncludedHouseConsignment of its XFZB."""
        rng = g.rng
        doc.open("IncludedHouseConsignment")
        if rng.random() < 0.7:  # real houses often carry their number only in the business header
            doc.leaf("ID", self.hawb)
        doc.leaf("NilCarriageValueIndicator", "true")
        doc.leaf("NilCustomsValueIndicator", "true")
        doc.leaf("NilInsuranceValueIndicator", "true")
        doc.leaf("TotalChargePrepaidIndicator", "true")
        doc.leaf("TotalDisbursementPrepaidIndicator", "true")
        if rng.random() < 0.5:
            amount = rng.uniform(20, 900) * _currency_factor(self.currency)
            cur = f' currencyID="{self.currency}"'
            doc.leaf("TotalPrepaidChargeAmount", _money(amount, self.currency), cur)
        doc.leaf("IncludedTareGrossWeightMeasure", _fmt_weight(self.weight), _weight_attr(g.unit))
        doc.leaf("GrossVolumeMeasure", f"{self.volume:.3f}", ' unitCode="MTQ"')
        doc.leaf("TotalPieceQuantity", str(self.pieces))
        doc.leaf("SummaryDescription", self.summary)
        _party_xml(doc, "ConsignorParty", self.shipper)
        _party_xml(doc, "ConsigneeParty", self.consignee, contacts=rng.random() < 0.6)
        if rng.random() < 0.3:
            doc.open("ApplicableTransportCargoInsurance")
            doc.empty("CoverageInsuranceParty")
            doc.close("ApplicableTransportCargoInsurance")
        _location(doc, "OriginLocation", self.origin)
        _location(doc, "FinalDestinationLocation", self.destination)
        if legs:
            _movements(doc, legs, g.verbose)
        _handling(doc, self.sph, self.ssr, self.osi)
        _notes(doc, self.notes)
        doc.open("ApplicableOriginCurrencyExchange")
        doc.leaf("SourceCurrencyCode", self.currency)
        doc.close("ApplicableOriginCurrencyExchange")
        for i, line in enumerate(self.lines, 1):
            _item_xml(doc, g, "IncludedHouseConsignmentItem", i, line, self.currency, False)
        doc.close("IncludedHouseConsignment")


def _master_totals(g: _Gen, pieces: int, weight: float, extra: bool) -> tuple[int, float]:
    if not extra:
        return pieces, weight
    more = g.rng.randint(0, 5) * max(1, pieces)
    return pieces + more, round(weight * (1 + more / max(1, pieces)) * g.rng.uniform(0.9, 1.1) + 0.1, 1)


def _xfzb(g: _Gen) -> bytes:
    rng, o = g.rng, g.o
    awb = o.get("awb", _UNSET)
    if awb is _UNSET:
        awb = random_awb(rng)
    prefix = awb[:3] if awb and awb[:3] in AIRLINES else rng.choice(_PREFIXES)
    carrier = AIRLINES[prefix][0]
    shp_c, cne_c, origin, destination = _ends(g)
    forwarder = g.party(shp_c, "forwarder", origin)
    house = _House(g, shp_c, cne_c, origin, destination, forwarder.name)
    legs = g.route(prefix, origin, destination) if rng.random() < 0.4 or "legs" in o else []
    m_pieces, m_weight = _master_totals(g, house.pieces, house.weight, extra=True)

    doc = _start(g, "XFZB")
    mid = f"{house.hawb}_{awb}_{_uuid(rng)}" if awb else f"{house.hawb}_{_uuid(rng)}"
    _header(doc, g, "XFZB", "703", "House Waybill", mid, origin, carrier, shp_c.tz)
    doc.open("BusinessHeaderDocument", msg=True)
    doc.leaf("ID", house.hawb)
    if rng.random() < 0.3:
        doc.empty("IncludedHeaderNote")
    if rng.random() < 0.5:
        doc.open("SignatoryConsignorAuthentication")
        doc.leaf("Signatory", house.shipper.contact.upper())
        doc.close("SignatoryConsignorAuthentication")
    doc.open("SignatoryCarrierAuthentication")
    doc.leaf("ActualDateTime", (g.base - timedelta(days=rng.randint(0, 2))).strftime("%Y-%m-%dT00:00:00"))
    doc.leaf("Signatory", forwarder.contact.upper())
    if rng.random() < 0.7:  # house filings in real traffic often leave it out
        doc.open("IssueAuthenticationLocation")
        doc.leaf("Name", origin)
        doc.close("IssueAuthenticationLocation")
    doc.close("SignatoryCarrierAuthentication")
    doc.close("BusinessHeaderDocument", msg=True)
    doc.open("MasterConsignment", msg=True)
    doc.leaf("IncludedTareGrossWeightMeasure", _fmt_weight(m_weight), _weight_attr(g.unit))
    doc.leaf("TotalPieceQuantity", str(m_pieces))
    if awb:
        doc.open("TransportContractDocument")
        doc.leaf("ID", awb)
        doc.close("TransportContractDocument")
    _location(doc, "OriginLocation", origin)
    _location(doc, "FinalDestinationLocation", destination)
    house.write(doc, g, legs)
    doc.close("MasterConsignment", msg=True)
    return _finish(doc, "XFZB")


def _xfhl(g: _Gen) -> bytes:
    rng, o = g.rng, g.o
    awb = o.get("awb") or random_awb(rng)
    prefix = awb[:3] if awb[:3] in AIRLINES else rng.choice(_PREFIXES)
    carrier = AIRLINES[prefix][0]
    spec = o.get("houses")
    per_house: list[dict[str, Any]]
    if spec is None:
        per_house = [{} for _ in range(rng.randint(2, 8))]
    elif isinstance(spec, int):
        per_house = [{} for _ in range(spec)]
    else:
        per_house = [dict(h) for h in spec]
    shared = {k: v for k, v in o.items() if k in _HOUSE_KEYS and k != "hawb"}
    shp_c, cne_c, origin, destination = _ends(g)
    forwarder = g.party(shp_c, "forwarder", origin)
    houses = []
    for extra in per_house:
        hg = g.child({**shared, **extra})
        h_shp = g.country(extra["shipper_country"]) if "shipper_country" in extra else (
            shp_c if rng.random() < 0.8 else g.country())
        h_cne = g.country(extra["consignee_country"]) if "consignee_country" in extra else cne_c
        h_origin = origin
        h_dest = destination if rng.random() < 0.85 else rng.choice(h_cne.cities)[1]
        houses.append(_House(hg, h_shp, h_cne, h_origin, h_dest, forwarder.name))

    doc = _start(g, "XFHL")
    _header(doc, g, "XFHL", "785" if rng.random() < 0.9 else "703",
            rng.choice(("Cargo Manifest", "House Manifest")),
            f"{awb}_FHL_{g.base:%Y%m%d%H%M%S}" if rng.random() < 0.5 else f"{awb}_{_uuid(rng)}",
            origin, carrier, shp_c.tz)
    doc.open("BusinessHeaderDocument", msg=True)
    doc.leaf("ID", awb)
    doc.close("BusinessHeaderDocument", msg=True)
    doc.open("MasterConsignment", msg=True)
    total = sum(h.weight for h in houses)
    doc.leaf("IncludedTareGrossWeightMeasure", _fmt_weight(total), _weight_attr(g.unit))
    doc.leaf("TotalPieceQuantity", str(sum(h.pieces for h in houses)))
    doc.open("TransportContractDocument")
    doc.leaf("ID", awb)
    doc.close("TransportContractDocument")
    _location(doc, "OriginLocation", origin)
    _location(doc, "FinalDestinationLocation", destination)
    for n, h in enumerate(houses, 1):
        h.write_line(doc, g, n)
    doc.close("MasterConsignment", msg=True)
    return _finish(doc, "XFHL")


# --- public API ---------------------------------------------------------------------------------


def generate(kind: str, rng: random.Random, **overrides: Any) -> bytes:
    """One synthetic filing of `kind` ("XFWB-direct", "XFWB-consol", "XFZB", "XFHL") as UTF-8 bytes.

    Every value is drawn from `rng`; `overrides` force values (unknown keys raise TypeError):

    - awb: master AWB "PPP-SSSSSSSC" (the document ID of an XFWB, the master reference of an XFZB or
      XFHL). For XFZB, awb=None files the house without its master (no TransportContractDocument).
    - hawb: house number (XFZB; in XFHL give it per house through `houses`).
    - houses: XFHL only: a house count, or a list of dicts of per-house overrides (hawb, shipper_name,
      shipper_country, consignee_name, consignee_country, description, hs_codes, pieces, weight,
      security_status, screening_methods, known_consignor, accepting_ra, ra_expiry, sph, ...).
      House-level overrides given at the top level apply to every house. Default 2-8 houses.
    - shipper_name, consignee_name: party names as filed (escaped; newlines kept).
    - shipper_country, consignee_country: ISO alpha-2 codes of the generator's countries.
    - description: the goods description (one goods line; for XFWB-consol the master description).
    - hs_codes: list of HS codes for the goods line(s).
    - pieces, weight: totals of the consignment (each house in XFHL); weight is in `weight_unit`.
    - weight_unit: "KGM" or "LBR" for every weight of the message (default 85% KGM).
    - origin, destination: IATA airport codes; the shipper/consignee country follows when known.
    - legs: number of flight legs (1-3) or a list of (flight, departure, arrival, ISO datetime) tuples.
    - sph: the non-security special-handling codes (list); the security status is added to them.
    - security_status: "SPX", "SCO", "SHR", "NSC" or None for no status (default mostly SPX).
    - screening_methods: list of method codes as filed (current or legacy, e.g. ["XRY", "FRD"]).
    - known_consignor: True, False or a KC id to file a KC designation; accepting_ra: True/False.
    - ra_expiry: MMYY expiry of the issuing regulated agent (e.g. "0124" for an expired one).
    - purpose: MessageHeaderDocument/PurposeCode (default Creation, sometimes Update).
    - prefix_style: "ns2" (JAXB style), "rsm" (rsm:/ram:) or "default" (default namespace).
    - indent: indentation string ("" for a single line).
    - generic_rate: probability of a generic description such as "SPARE PARTS" (default 0.04).
    - free_text_claim: True (or a text) to put a security claim in an SSR line (default 1%).
    """
    g = _Gen(rng, overrides)
    if kind == "XFWB-direct":
        return _xfwb(g, consolidation=False)
    if kind == "XFWB-consol":
        return _xfwb(g, consolidation=True)
    if kind == "XFZB":
        return _xfzb(g)
    if kind == "XFHL":
        return _xfhl(g)
    raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")


def _apportion(n: int, mix: Mapping[str, float]) -> dict[str, int]:
    total = sum(mix.values())
    if total <= 0:
        raise ValueError("the mix needs a positive share")
    exact = {k: n * v / total for k, v in mix.items()}
    counts = {k: int(x) for k, x in exact.items()}
    for k in sorted(exact, key=lambda k: exact[k] - counts[k], reverse=True)[: n - sum(counts.values())]:
        counts[k] += 1
    return counts


def corpus(
    n: int, seed: int = 7, mix: dict[str, float] | None = None, *, linked: bool = True, **overrides: Any
) -> list[tuple[str, bytes]]:
    """`n` filings as (kind, bytes) in a shuffled order, deterministic for a seed.

    The kinds follow `mix` (default DEFAULT_MIX) exactly up to rounding. Most houses (XFZB, XFHL)
    refer to a consolidation master of the same corpus, with its AWB, origin and destination, as in
    real traffic; some arrive before their master. With `linked=False` every filing is about its
    own consignments (what each is answered then does not depend on the others or their order).
    `overrides` go to every `generate` call.
    """
    mix = dict(mix or DEFAULT_MIX)
    unknown = set(mix) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kind(s) in mix: {', '.join(sorted(unknown))}")
    rng = random.Random(seed)
    kinds = [k for k, c in _apportion(n, mix).items() for _ in range(c)]
    rng.shuffle(kinds)
    masters: list[dict[str, str]] = []
    out = []
    for kind in kinds:
        sub = random.Random(rng.getrandbits(64))
        extra: dict[str, Any] = {}
        if kind == "XFWB-consol":
            shp = COUNTRIES[sub.choices(_COUNTRY_CODES, _COUNTRY_WEIGHTS)[0]]
            cne = COUNTRIES[sub.choice([c for c in _COUNTRY_CODES if c != shp.code])]
            extra = {"awb": random_awb(sub), "origin": sub.choice(shp.cities)[1],
                     "destination": sub.choice(cne.cities)[1]}
            if extra["origin"] != extra["destination"]:
                if linked:
                    masters.append(extra)
            else:
                extra = {}
        elif kind in ("XFZB", "XFHL") and masters and sub.random() < 0.7:
            extra = dict(sub.choice(masters))
        out.append((kind, generate(kind, sub, **{**extra, **overrides})))
    return out
