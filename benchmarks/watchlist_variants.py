"""Vocabulary and variant generators of the watch-list benchmark (benchmarks/bench_watchlist.py).

Pure functions of their arguments (and of the `random.Random` they are given): how a listed name,
address or identifier comes back in a filing. Russian romanisation systems (BGN/PCGN, ICAO 9303,
GOST 7.79-B, German Duden, French), Latin spellings of Arabic names, legal forms spelled out, glued
or mistyped, abbreviations, generic words, initials, street and city glued into the name, addresses
formatted differently and identifiers written with other separators. The tables are small and
written for the benchmark; they are not the scorer's tables and must not become them.
"""

from __future__ import annotations

import random
import re
import unicodedata

from acid_processor.model import Address


def words(text: str) -> list[str]:
    """The words of a multi-line string."""
    return text.split()


# --- Generic list vocabulary --------------------------------------------------------------------

CORES = words(
    """
Golden Dragon Silk Pearl Atlas Horizon Phoenix Falcon Orient Meridian Zenith Nova Polaris Aurora Baltic
Caspian Adriatic Sahara Andes Himalaya Kilimanjaro Amazon Danube Volga Yangtze Mekong Nile Tigris Ural
Sibir Taiga Altai Baikal Neva Kama Oka Don Dnepr Krasny Zvezda Severny Vostok Zapad Yug Rassvet Sokol
Berkut Orel Volna Granit Almaz Rubin Sapfir Izumrud Yantar Kedr Bereza Dub Lipa Sosna Tsvetok Mayak Parus
Hanse Nordlicht Sonnenschein Bergland Waldhaus Seeblick Rheingold Eisenwerk Stahlbau Feinmechanik
Bürotechnik Müllerhof Schäfer Größe Weißdorn Kühne Löwenherz Fröhlich Grün Blümchen Straßburg Öztürk
Société Générale Étoile Crème Château Forêt Rivière Lumière Océan Élan Frère Mère Père Cœur Fleur Soleil
Montagne Vallée Prairie Jardin Maison Atelier Comptoir Marché Navire Phare Horizonte Estrella Sol Luna
Mar Cielo Tierra Fuego Agua Viento Montaña Río Ñandú Peña Cañón Señor Niño Año España Azteca Maya Inca
Cóndor Jaguar Puma Águila Halcón Paloma Stella Mare Monte Fiume Lago Porto Ponte Torre Castello Villa
Fontana Aurelia Serenissima Veneto Lombardo Toscana Çelik Güneş Yıldız Ay Deniz Dağ Kartal Aslan Kaplan
Şahin Doğan Özgür Ilgaz Ergün Tuğra Anadolu Marmara Karadeniz Akdeniz Ege Toros Fırat Dicle Huanghe
Changjiang Longma Jinlong Hongxing Dongfang Xinhua Zhongxing Huaxin Tianma Baima Feiyun Haitian Shenzhou
Kunlun Taishan Huashan Lanhua Meihua Hehua Zijin Baoli Fuxing Xiangyun Ruixiang Yongsheng Hengtai Dahua
Noor Qamar Shams Najm Sahara Wadi Jabal Bahr Nahr Sabah Masa Layl Fajr Zahra Yasmin Rayhan Anbar Misk
Dar Bayt Qasr Burj Minar Saqr Nasr Fath Izz Majd Amal Salam Hayat Baraka Rahma Karam Jood Wafa Basma
Pars Arya Kavir Zagros Alborz Damavand Shiraz Tabriz Caspian Karun Sepid Mehr Azar Bahar Tir Khorshid
Ganga Yamuna Kaveri Narmada Godavari Himadri Sagar Surya Chandra Tara Kiran Jyoti Prakash Lakshmi Durga
Indra Varuna Agni Vayu Prithvi Akash Neel Hari Shakti Vijay Jaya Sundaram Sri Ananta Kamal Pankaj Padma
Merdeka Nusantara Garuda Rajawali Elang Harimau Gajah Bintang Bulan Matahari Samudra Gunung Pelangi
Sakura Fuji Yamato Asahi Hikari Kaze Sora Umi Yama Kawa Hoshi Tsuki Hana Midori Aoi Kiyomizu Daikoku
Hanil Daehan Hanguk Mirae Saebyeok Hanbit Dasan Baekdu Halla Sejong Gwangmyeong Jeonju Nammun Bukbang
Thanh Long Phuong Hoang Bach Viet Sai Gon Hong Ha Cuu Mekong Lotus Bamboo Jade Ivory Amber Coral Onyx
Cobalt Titan Vulcan Apex Vertex Summit Pinnacle Keystone Cornerstone Bridgewater Riverside Lakeside
Northgate Southport Eastwind Westbrook Ironbridge Silverline Bluewater Redstone Greenfield Blackrock
Whitehaven Oakridge Pinecrest Maplewood Cedar Willow Aspen Birch Elm Rowan Hawthorn Heather Thistle
"""
)

SECONDS = words(
    """
Star Dragon Falcon Eagle Lion Tiger Bridge Gate Way Line Link Point Port Bay Coast Sea Ocean Sky Sun Moon
Crown Royal Imperial Pacific Atlantic Arctic Continental Trans Euro Asia Afro Inter United Allied Prime
Supreme First Best Smart Bright Swift Rapid Fast Sure Safe Trust Unity Harmony Victory Fortune Lucky
Diamond Gold Silver Platinum Crystal Emerald Sapphire Ruby Pearl Jade Orion Vega Sirius Rigel Altair
Nord Süd Ost West Mitte Neue Alte Grosse Kleine Haute Grand Petit Nouveau Nueva Gran Alta Nuovo Grande
Yeni Büyük Novy Staryi Bolshoi Xin Da Jin Hong Al Dar Shin Nam Buk Dong Seo Trung Nam Bac Maha Raja
General General
"""
)

INDUSTRIES = words(
    """
Trading Logistics Electronics Chemicals Machinery Textiles Shipping Metals Pharma Petroleum Energy
Industries Technologies Engineering Solutions Import Export Commerce Holding Group International Global
Freight Cargo Aviation Marine Mining Minerals Agro Foods Plastics Polymers Components Systems Devices
Instruments Equipment Supplies Materials Resources Ventures Enterprises Handels Handel Ticaret Sanayi
Comercio Industria Tekstil Elektronik Kimya Maşinostroenie Stroy Torg Neft Gaz Khim Mash Prom Snab
Manufacturing Trading Instruments Holding
"""
)

LEGAL_FORMS = words(
    """
Ltd Ltd. Limited GmbH S.A. SA LLC Inc. Corp. Co.,Ltd Co. PLC S.R.L. S.p.A. B.V. N.V. AG KG OY AB AS
Pte.Ltd Pvt.Ltd Pty.Ltd LLP JSC OOO ZAO FZE FZCO Ltda EIRL K.K. SARL SAS Sdn.Bhd PT A.Ş. Sp.z.o.o.
"""
)
LEGAL_SET = frozenset(LEGAL_FORMS)

FIRST_NAMES = words(
    """
Mohammed Muhammad Ahmed Ahmad Ali Hassan Hussein Omar Khalid Youssef Ibrahim Mustafa Tariq Karim Samir
Rashid Faisal Nasser Walid Hamza Bilal Zaid Anwar Jamal Fatima Aisha Maryam Layla Zainab Noura Huda
Ivan Sergei Dmitri Alexei Nikolai Vladimir Andrei Mikhail Pavel Yuri Oleg Igor Boris Viktor Anatoly
Olga Natalia Svetlana Irina Tatiana Elena Anna Maria Ekaterina Galina Ludmila Wei Li Jun Hui Ming Jian
Hong Yan Xiaoming Zhiwei Lei Tao Bo Gang Qiang Ying Xiu Mei Fang Hao Chen Kenji Hiroshi Takashi Yuki
Akira Satoshi Naoko Keiko Minho Jiwoo Seojun Hyun Jisoo Young Anh Minh Duc Tuan Linh Thu Raj Amit
Sanjay Vikram Rahul Arjun Priya Anjali Deepak Suresh Ramesh Ravi Mehmet Mustafa Emre Burak Cem Ayşe
Elif Zeynep Hüseyin Gökhan Reza Hossein Ali Mahmoud Parisa Shirin Dariush Farhad José Juan Carlos Luis
Miguel Jorge Pedro Alejandro Fernando Ricardo Sofía María Lucía Camila Valentina Jean Pierre François
Jacques Michel Philippe Hélène Amélie Chloé Margaux Hans Jürgen Klaus Wolfgang Dieter Günter Uwe Jörg
Sabine Ute Brigitte Björn Søren Lars Nils Anders Ingrid Åsa Piotr Krzysztof Tomasz Łukasz Paweł
Agnieszka Małgorzata Giuseppe Giovanni Marco Luca Francesca Giulia Chidi Emeka Ngozi Kwame Kofi Ama
Abebe Tesfaye Olumide Oluwaseun Adebayo Thabo Sipho Lerato John James Robert Michael William David
Richard Thomas Mary Patricia Jennifer Linda Elizabeth Susan
"""
)

LAST_NAMES = words(
    """
Al-Rashid Al-Qasimi Al-Mansouri Al-Hashimi Khalil Haddad Nasser Saleh Hamdan Mahmoud Aziz Farouk Qureshi
Siddiqui Chaudhry Malik Baig Mirza Sheikh Rahman Hossain Karimi Hosseini Rezaei Moradi Ahmadi Tehrani
Ivanov Petrov Sidorov Smirnov Kuznetsov Popov Vasiliev Sokolov Mikhailov Novikov Fedorov Morozov Volkov
Alekseev Lebedev Semenov Egorov Pavlov Kozlov Stepanov Nikolaev Orlov Andreev Makarov Zakharov Zaitsev
Solovyov Borisov Yakovlev Grigoriev Romanov Vorobyov Sergeev Kovalenko Shevchenko Bondarenko Tkachenko
Kravchenko Wang Zhang Liu Chen Yang Huang Zhao Zhou Wu Xu Sun Ma Zhu Hu Guo He Lin Luo Gao Zheng Liang
Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan Cai Jiang Yu Du Ye Cheng Wei Su Lu
Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato Yoshida Yamada Sasaki Kim
Lee Park Choi Jung Kang Cho Yoon Jang Lim Nguyen Tran Le Pham Hoang Vu Vo Dang Bui Do Ngo Duong Sharma
Verma Gupta Singh Kumar Patel Shah Mehta Reddy Rao Nair Iyer Menon Pillai Joshi Desai Yılmaz Kaya Demir
Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan Kılıç García Rodríguez González
Fernández López Martínez Sánchez Pérez Gómez Martín Jiménez Ruiz Hernández Díaz Moreno Muñoz Álvarez
Romero Alonso Gutiérrez Navarro Torres Domínguez Vázquez Ramos Gil Ramírez Serrano Blanco Molina
Dubois Durand Lefebvre Leroy Moreau Laurent Simon Michel Lefèvre Mercier Dupont Lambert Bonnet François
Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer Richter
Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Werner Krause
Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak Rossi
Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti Okafor Okonkwo
Adeyemi Mensah Owusu Boateng Tshabalala Nkosi Dlamini Mokoena Haile Bekele Girma Andersson Johansson
Karlsson Nilsson Eriksson Larsen Hansen Jensen Nielsen Pedersen Smith Johnson Williams Brown Jones
Miller Davis Wilson Anderson Taylor Moore Jackson White Harris Thompson
"""
)

COUNTRIES = words(
    """
AE CN HK RU TR IR IN PK DE FR ES IT GB US NL BE CH AT PL UA BY KZ UZ AZ GE AM SY IQ LB JO SA QA OM KW
EG LY SD NG GH KE ZA ET MY SG ID TH VN KR JP KP TW BR MX AR CO VE PA CY MT GR RS
"""
)

# A few real cities per country: the 'city glued into the name' kind needs cities that look like ones.
_CITIES_TEXT = """
AE Dubai|Sharjah|Abu Dhabi|Ajman;CN Shenzhen|Shanghai|Guangzhou|Ningbo|Tianjin;HK Hong Kong|Kowloon
RU Moscow|Saint Petersburg|Novosibirsk|Yekaterinburg|Vladivostok;TR Istanbul|Izmir|Mersin|Ankara
IR Tehran|Bandar Abbas|Isfahan;IN Mumbai|Chennai|New Delhi|Kolkata;PK Karachi|Lahore
DE Hamburg|Bremen|Frankfurt|Duisburg
FR Marseille|Le Havre|Lyon|Paris;ES Valencia|Barcelona|Algeciras;IT Genoa|Milan|Naples
GB London|Felixstowe|Manchester
US Miami|Houston|Newark|Los Angeles;NL Rotterdam|Amsterdam;BE Antwerp|Brussels;CH Zurich|Basel|Geneva
AT Vienna|Linz;PL Gdansk|Warsaw|Lodz;UA Odesa|Kyiv|Kharkiv;BY Minsk|Brest;KZ Almaty|Astana|Aktau
UZ Tashkent|Samarkand;AZ Baku;GE Tbilisi|Poti|Batumi;AM Yerevan;SY Latakia|Damascus|Aleppo
IQ Baghdad|Basra|Erbil;LB Beirut|Tripoli;JO Amman|Aqaba;SA Jeddah|Riyadh|Dammam;QA Doha;OM Muscat|Sohar
KW Kuwait City;EG Alexandria|Port Said|Cairo;LY Tripoli|Benghazi;SD Port Sudan|Khartoum;NG Lagos|Abuja
GH Accra|Tema;KE Mombasa|Nairobi;ZA Durban|Johannesburg|Cape Town;ET Addis Ababa;MY Port Klang|Penang
SG Singapore;ID Jakarta|Surabaya;TH Bangkok|Laem Chabang;VN Ho Chi Minh City|Haiphong;KR Busan|Incheon|Seoul
JP Yokohama|Kobe|Osaka;KP Nampo|Pyongyang;TW Kaohsiung|Taipei;BR Santos|Sao Paulo;MX Manzanillo|Veracruz
AR Buenos Aires|Rosario;CO Cartagena|Barranquilla;VE Caracas|Puerto Cabello;PA Colon|Panama City
CY Limassol|Larnaca;MT Valletta|Marsaxlokk;GR Piraeus|Thessaloniki;RS Belgrade|Novi Sad
"""
CITIES: dict[str, list[str]] = {
    item.strip().split(" ", 1)[0]: item.strip().split(" ", 1)[1].split("|")
    for item in re.split(r"[;\n]", _CITIES_TEXT)
    if item.strip()
}

# Street name words and how a street of each country is written (the 'style').
STREETS = words("Harbour Station Market Church Mill Bridge Park King Queen Industrial Airport Canal Victoria")
STREETS_DE = words(
    "Hafen Bahnhof Markt Kirch Mühlen Brücken Park König Industrie Flughafen Kanal Linden Berg"
)
STREETS_RU = words("Sadovaya Mira Lenina Gagarina Pushkina Sovetskaya Naberezhnaya Promyshlennaya Zavodskaya")
STREETS_LATIN = words("Mayor Roma Garibaldi Colón Independencia Libertad Porto Mercato Sol Mar Reforma Norte")
STREETS_TR = words("Liman Atatürk İstiklal Cumhuriyet Gazi Sahil Bağdat")
STREETS_CN = words("Jiefang Renmin Zhongshan Nanjing Huaihai Binhai Gangwan Yingbin")
FREE_ZONES = [
    "Jebel Ali Free Zone",
    "Hamriyah Free Zone",
    "Dubai Airport Free Zone",
    "SAIF Zone",
    "Khalifa Industrial Zone",
]
STREET_STYLE = {
    **dict.fromkeys(["DE", "AT", "CH"], "de"),
    **dict.fromkeys(["RU", "BY", "KZ", "UA", "UZ"], "ru"),
    **dict.fromkeys(["FR", "BE"], "fr"),
    **dict.fromkeys(["ES", "MX", "AR", "CO", "VE", "PA", "IT", "BR"], "latin"),
    **dict.fromkeys(["TR", "AZ"], "tr"),
    **dict.fromkeys(["CN", "HK", "TW"], "cn"),
    **dict.fromkeys(["AE"], "ae"),
}
EN_TYPES = ["Road", "Street", "Avenue", "Lane", "Drive"]
LATIN_TYPES = {"ES": "Calle", "MX": "Calle", "AR": "Calle", "CO": "Calle", "VE": "Avenida", "PA": "Calle"}

ACCENTS = {"a": "áàâä", "e": "éèêë", "i": "íîï", "o": "óôöø", "u": "úùûü", "c": "ç", "n": "ñ", "s": "ş"}

# Words of a trade name that say nothing on their own.
GENERIC_DROP = frozenset(
    words("Trading General International Group Global Holding Enterprises Industries Solutions")
    + words("Ventures Commerce")
)
GENERIC_ADD = ["Trading", "General", "International", "Group", "Global"]

ABBREVIATIONS = {
    "Instruments": ["Instrs", "Instr"],
    "Holding": ["Hldg", "Hldgs"],
    "International": ["Intl", "Int'l", "Intl."],
    "Manufacturing": ["Mfg", "Mfg.", "Manuf"],
    "Trading": ["Trdg", "Trdg."],
    "Company": ["Co", "Co."],
    "Industries": ["Inds", "Ind.", "Indus"],
    "Corporation": ["Corp", "Corp."],
    "Technologies": ["Techs", "Tech"],
    "Engineering": ["Engg", "Eng."],
    "Electronics": ["Elec", "Electr."],
    "Equipment": ["Equip", "Eqpt"],
    "Enterprises": ["Ent", "Entps"],
    "Chemicals": ["Chem", "Chems"],
    "Machinery": ["Mach", "Machy"],
    "Components": ["Comp", "Cmpts"],
    "Systems": ["Sys", "Syst"],
    "Materials": ["Matls", "Mat."],
    "Supplies": ["Supp", "Suppl"],
    "Resources": ["Res", "Resrcs"],
    "Shipping": ["Shpg", "Shipg"],
    "Petroleum": ["Petr", "Petrol"],
    "Minerals": ["Min", "Minls"],
}

# Listed legal form (dots, commas and case ignored) -> how filers spell it out.
LEGAL_SPELLED = {
    "LTD": ["Limited", "Limited Liability Company"],
    "GMBH": ["Gesellschaft mit beschränkter Haftung", "Gesellschaft mbH"],
    "SA": ["Sociedad Anónima", "Société Anonyme", "Sociedade Anónima"],
    "LLC": ["Limited Liability Company", "Limited Liability Co"],
    "INC": ["Incorporated"],
    "CORP": ["Corporation"],
    "COLTD": ["Company Limited", "Co. Limited"],
    "CO": ["Company"],
    "PLC": ["Public Limited Company"],
    "SRL": ["Società a responsabilità limitata", "Sociedad de Responsabilidad Limitada"],
    "SPA": ["Società per Azioni"],
    "BV": ["Besloten Vennootschap"],
    "NV": ["Naamloze Vennootschap"],
    "AG": ["Aktiengesellschaft"],
    "KG": ["Kommanditgesellschaft"],
    "OY": ["Osakeyhtiö"],
    "AB": ["Aktiebolag", "Aktiebolaget"],
    "AS": ["Aksjeselskap", "Aktieselskab"],
    "PTELTD": ["Private Limited", "Pte Limited"],
    "PVTLTD": ["Private Limited", "Pvt Limited"],
    "PTYLTD": ["Proprietary Limited", "Pty Limited"],
    "LLP": ["Limited Liability Partnership"],
    "JSC": ["Joint Stock Company", "Joint-Stock Company"],
    "OOO": ["Obshchestvo s Ogranichennoy Otvetstvennostyu", "Obshchestvo s Ogranichennoi Otvetstvennostiu"],
    "ZAO": ["Zakrytoye Aktsionernoye Obshchestvo"],
    "AO": ["Aktsionernoye Obshchestvo"],
    "PAO": ["Publichnoye Aktsionernoye Obshchestvo"],
    "OAO": ["Otkrytoye Aktsionernoye Obshchestvo"],
    "FZE": ["Free Zone Establishment"],
    "FZCO": ["Free Zone Company"],
    "LTDA": ["Limitada"],
    "EIRL": ["Empresa Individual de Responsabilidad Limitada"],
    "KK": ["Kabushiki Kaisha"],
    "SARL": ["Société à responsabilité limitée"],
    "SAS": ["Société par actions simplifiée"],
    "SDNBHD": ["Sendirian Berhad"],
    "PT": ["Perseroan Terbatas"],
    "AŞ": ["Anonim Şirketi"],
    "SPZOO": ["Spółka z ograniczoną odpowiedzialnością"],
}


def legal_key(word: str) -> str:
    """'Co.,Ltd' -> 'COLTD', 'S.p.A.' -> 'SPA': a legal form without dots, commas and case."""
    return re.sub(r"[.,\s]", "", word).upper()


# --- Russian ------------------------------------------------------------------------------------

# (first name, patronymic from it as a son's, as a daughter's); the patronymic of a person is the
# father's name, so any male name's patronymic can go with any first name.
RU_MALE = [
    ("Иван", "Иванович", "Ивановна"),
    ("Сергей", "Сергеевич", "Сергеевна"),
    ("Дмитрий", "Дмитриевич", "Дмитриевна"),
    ("Алексей", "Алексеевич", "Алексеевна"),
    ("Николай", "Николаевич", "Николаевна"),
    ("Владимир", "Владимирович", "Владимировна"),
    ("Андрей", "Андреевич", "Андреевна"),
    ("Михаил", "Михайлович", "Михайловна"),
    ("Павел", "Павлович", "Павловна"),
    ("Юрий", "Юрьевич", "Юрьевна"),
    ("Олег", "Олегович", "Олеговна"),
    ("Игорь", "Игоревич", "Игоревна"),
    ("Борис", "Борисович", "Борисовна"),
    ("Виктор", "Викторович", "Викторовна"),
    ("Анатолий", "Анатольевич", "Анатольевна"),
    ("Василий", "Васильевич", "Васильевна"),
    ("Евгений", "Евгеньевич", "Евгеньевна"),
    ("Геннадий", "Геннадьевич", "Геннадьевна"),
    ("Григорий", "Григорьевич", "Григорьевна"),
    ("Пётр", "Петрович", "Петровна"),
    ("Александр", "Александрович", "Александровна"),
    ("Максим", "Максимович", "Максимовна"),
    ("Артём", "Артёмович", "Артёмовна"),
    ("Константин", "Константинович", "Константиновна"),
    ("Вячеслав", "Вячеславович", "Вячеславовна"),
    ("Станислав", "Станиславович", "Станиславовна"),
    ("Аркадий", "Аркадьевич", "Аркадьевна"),
    ("Фёдор", "Фёдорович", "Фёдоровна"),
    ("Ярослав", "Ярославович", "Ярославовна"),
    ("Эдуард", "Эдуардович", "Эдуардовна"),
    ("Георгий", "Георгиевич", "Георгиевна"),
    ("Леонид", "Леонидович", "Леонидовна"),
    ("Роман", "Романович", "Романовна"),
    ("Тимур", "Тимурович", "Тимуровна"),
    ("Кирилл", "Кириллович", "Кирилловна"),
    ("Илья", "Ильич", "Ильинична"),
]
RU_FEMALE = words(
    """
Ольга Наталья Светлана Ирина Татьяна Елена Анна Мария Екатерина Галина Людмила Юлия Ксения Дарья Евгения
Вера Надежда Любовь Жанна Зоя Алёна Юлиана Валентина Марина Софья Яна Эльвира
"""
)
RU_SURNAMES = words(
    """
Петров Иванов Смирнов Кузнецов Попов Соколов Лебедев Козлов Новиков Морозов Волков Соловьёв Васильев
Зайцев Павлов Семёнов Голубев Виноградов Богданов Воробьёв Фёдоров Михайлов Беляев Тарасов Белов
Комаров Орлов Киселёв Макаров Андреев Ковалёв Ильин Гусев Титов Кузьмин Кудрявцев Баранов Куликов
Алексеев Степанов Яковлев Сорокин Сергеев Романов Захаров Борисов Королёв Герасимов Пономарёв
Григорьев Лазарев Медведев Ершов Никитин Соболев Рябов Поляков Цветков Данилов Жуков Фролов Журавлёв
Николаев Крылов Максимов Сидоров Осипов Белоусов Федотов Дорофеев Егоров Матвеев Бобров Дмитриев
Калинин Анисимов Петухов Антонов Тимофеев Никифоров Веселов Филиппов Марков Большаков Суханов Миронов
Ширяев Александров Коновалов Шестаков Казаков Ефимов Денисов Громов Фомин Давыдов Мельников Щербаков
Блинов Колесников Карпов Афанасьев Власов Маслов Исаков Тихонов Аксёнов Гаврилов Родионов Котов
Горбунов Кудряшов Быков Зуев Третьяков Савельев Панов Рыбаков Суворов Абрамов Воронов Мухин Архипов
Трофимов Мартынов Емельянов Горшков Чернов Овчинников Селезнёв Панфилов Копылов Михеев Галкин Назаров
Лобанов Лукин Беляков Потапов Некрасов Хохлов Жданов Наумов Шилов Воронцов Ермаков Дроздов Игнатьев
Савин Логинов Сафонов Капустин Кириллов Моисеев Елисеев Кошелев Костин Горбачёв Орехов Ефремов Исаев
Евдокимов Калашников Кабанов Носков Юдин Кулагин Лапин Прохоров Нестеров Харитонов Агафонов Муравьёв
Ларионов Федосеев Зимин Пахомов Шубин Игнатов Филатов Крюков Рогов Кулаков Терентьев Молчанов
Владимиров Артемьев Гурьев Зиновьев Гришин Кононов Дементьев Ситников Симонов Мишин Фадеев Комиссаров
Мамонтов Носов Гуляев Шаров Устинов Вишняков Евсеев Лаврентьев Брагин Константинов Корнилов Авдеев
Зыков Бирюков Шарапов Никонов Щукин Дьячков Одинцов Сазонов Якушев Красильников Гордеев Самойлов
Князев Беспалов Уваров Шашков Бобылёв Доронин Белозёров Рожков Самсонов Мясников Лихачёв Буров Сысоев
Фомичёв Русаков Стрелков Гущин Тетерин Колобов Субботин Фокин Блохин Селиверстов Пестов Кондратьев
Силин Меркушев Лыткин Туров Чайковский Достоевский Высоцкий Вишневский Шевченко Ткаченко Бондаренко
Кравченко Ющенко Толстой Белый Хрущёв Шишкин Чехов Юсупов Цыганков Щеглов Черных Седых Жириновский
Чижов Шувалов Ёлкин Щёголев Цой Чичерин Эйхвальд Юрченко Яценко Цыбульский Жаров Щербина
"""
)
RU_ADJECTIVES = words(
    """
Северный Южный Восточный Западный Уральский Сибирский Балтийский Волжский Новый Первый Главный Стальной
Медный Золотой Красный Белый Морской Речной Торговый Промышленный Технический Химический Транспортный
Авиационный Приборный Дальневосточный Невский Донской Каспийский Енисейский Байкальский Тихий Быстрый
"""
)
RU_NOUNS = words(
    """
Металл Транзит Альянс Ресурс Терминал Сервис Комплекс Завод Союз Мост Порт Путь Берег Ветер Импульс
Вектор Горизонт Прогресс Капитал Партнёр Экспресс Холдинг Груз Флот Трейд Синтез Кристалл Инструмент
Прибор Двигатель Щит Маяк Ледокол Уголь Бетон Цемент Каскад Меридиан Полюс Ключ
"""
)
RU_STEMS = words(
    """
Урал Сиб Волга Балт Нева Кама Дон Транс Строй Торг Снаб Пром Нефте Газ Хим Маш Авиа Энерго Техно
Метал Лес Агро Мед Инвест Импорт Экспорт Комплект Сервис Электро Радио Спец Гидро Тепло Жел Даль
"""
)
RU_LEGAL = ["ООО", "ООО", "ООО", "АО", "ЗАО", "ПАО", "ОАО"]

_RU_VOWELS = frozenset("аеёиоуыэюя")
_RU_SIBILANTS = frozenset("жчшщ")
_RU_BASE = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y",
    "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip
_RU_TABLES = {
    "bgn": _RU_BASE,
    "icao": {**_RU_BASE, "й": "i", "ъ": "ie", "ю": "iu", "я": "ia"},
    "gost": {
        **_RU_BASE, "ё": "yo", "й": "j", "х": "x", "ц": "cz", "щ": "shh", "ъ": "``", "ь": "`",
        "ы": "y'", "э": "e'",
    },
    "german": {
        **_RU_BASE, "в": "w", "ж": "sch", "з": "s", "й": "i", "х": "ch", "ц": "z", "ч": "tsch",
        "ш": "sch", "щ": "schtsch", "ю": "ju", "я": "ja",
    },
    "french": {
        **_RU_BASE, "ж": "j", "й": "i", "у": "ou", "ц": "ts", "ч": "tch", "ш": "ch", "щ": "chtch",
        "ю": "iou", "я": "ia",
    },
}  # fmt: skip
RU_SYSTEMS = tuple(_RU_TABLES)


def _ru_letter(system: str, word: str, i: int) -> str:
    """One lower-case Cyrillic letter of a word in a system, with the rules that need its neighbours."""
    c = word[i]
    table = _RU_TABLES[system]
    if c not in table:
        return c
    prev = word[i - 1] if i else ""
    nxt = word[i + 1] if i + 1 < len(word) else ""
    iotated = i == 0 or prev in _RU_VOWELS or prev in "ъьй"  # where е/ё sound 'ye'/'yo'
    if system == "bgn" and c in "её":
        return "ye" if iotated else "e"
    if system == "gost" and c == "ц" and nxt in "иеыйі":
        return "c"
    if system == "german":
        if c == "е":
            return "je" if iotated else "e"
        if c == "ё":
            return "o" if prev in _RU_SIBILANTS else "jo"
        if c == "й":
            if not nxt and prev in "иы":
                return ""  # Dostojewski, Bely
            return "j" if nxt in _RU_VOWELS else "i"
        if c == "с" and prev in _RU_VOWELS and nxt in _RU_VOWELS:
            return "ss"
        if c == "ь" and nxt in "ио":
            return "j"  # Iljitsch
    if system == "french":
        if c == "е":
            return "ie" if iotated and i else "e"
        if c == "ё":
            return "o" if prev in _RU_SIBILANTS else "io"
        if c == "й" and not nxt and prev in "иы":
            return ""
        if c == "я" and prev == "и":
            return "a"  # Evguenia
        if c == "г" and nxt in "еиы":
            return "gu"
        if c == "с" and prev in _RU_VOWELS and nxt in _RU_VOWELS:
            return "ss"
        if c == "н" and not nxt and prev == "и":
            return "ne"  # Poutine
    return table[c]


def _romanise_word(word: str, system: str) -> str:
    lower = word.lower()
    parts = [_ru_letter(system, lower, i) for i in range(len(lower))]
    if len(word) > 1 and word.isupper():
        return "".join(parts).upper()
    return "".join(p[:1].upper() + p[1:] if o.isupper() else p for o, p in zip(word, parts, strict=True))


def romanise_ru(text: str, system: str) -> str:
    """Russian Cyrillic in Latin letters by one system: 'bgn' (BGN/PCGN, without diacritics),
    'icao' (passports since 2013), 'gost' (GOST 7.79-B), 'german' (Duden), 'french'.
    Guillemets become straight quotes; anything not Cyrillic is kept."""
    out = re.sub(r"[А-Яа-яЁё]+", lambda m: _romanise_word(m.group(0), system), text)
    return out.replace("«", '"').replace("»", '"')


def ru_female_surname(surname: str) -> str:
    """Петров -> Петрова, Чайковский -> Чайковская, Толстой -> Толстая; -енко, -их unchanged."""
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    if surname.endswith(("ский", "цкий")):
        return surname[:-2] + "ая"
    if surname.endswith(("ой", "ый")):
        return surname[:-2] + "ая"
    return surname


def ru_person(rng: random.Random) -> tuple[str, str, str]:
    """(first name, patronymic, surname) in Cyrillic, of either sex."""
    father = rng.choice(RU_MALE)
    if rng.random() < 0.7:
        return rng.choice(RU_MALE)[0], father[1], rng.choice(RU_SURNAMES)
    return rng.choice(RU_FEMALE), father[2], ru_female_surname(rng.choice(RU_SURNAMES))


def ru_company(rng: random.Random) -> tuple[str, str]:
    """(legal form, name) in Cyrillic: ('ООО', 'Северный Металл'), ('АО', 'Уралтрансстрой')."""
    shape = rng.random()
    if shape < 0.5:
        name = f"{rng.choice(RU_ADJECTIVES)} {rng.choice(RU_NOUNS)}"
    elif shape < 0.85:
        stems = rng.sample(RU_STEMS, rng.choice([2, 2, 3]))
        name = "".join(stems).capitalize()
    else:
        name = (
            f"{rng.choice(RU_ADJECTIVES)} {rng.choice(RU_NOUNS)} {rng.choice(['Трейд', 'Групп', 'Инвест'])}"
        )
    return rng.choice(RU_LEGAL), name


def ru_company_text(legal: str, name: str) -> str:
    """'ООО «Северный Металл»'."""
    return f"{legal} «{name}»"


# --- Arabic -------------------------------------------------------------------------------------

# Arabic script -> Latin spellings, the usual one (as lists give it) first.
AR_GIVEN: dict[str, list[str]] = {
    "محمد": ["Mohammed", "Muhammad", "Mohamed", "Mohammad", "Muhammed"],
    "أحمد": ["Ahmed", "Ahmad"],
    "محمود": ["Mahmoud", "Mahmud", "Mahmood"],
    "علي": ["Ali", "Aly"],
    "حسن": ["Hassan", "Hasan"],
    "حسين": ["Hussein", "Husain", "Hossein", "Hussain", "Husayn"],
    "عمر": ["Omar", "Umar"],
    "خالد": ["Khalid", "Khaled"],
    "يوسف": ["Youssef", "Yusuf", "Yousef", "Yousif", "Yusef"],
    "إبراهيم": ["Ibrahim", "Ebrahim", "Ibraheem"],
    "مصطفى": ["Mustafa", "Mostafa", "Moustafa", "Mustapha"],
    "طارق": ["Tariq", "Tarek", "Tareq"],
    "كريم": ["Karim", "Kareem"],
    "سمير": ["Samir", "Sameer"],
    "رشيد": ["Rashid", "Rasheed", "Rachid"],
    "فيصل": ["Faisal", "Faysal", "Feisal"],
    "ناصر": ["Nasser", "Nasir", "Naser"],
    "وليد": ["Walid", "Waleed"],
    "حمزة": ["Hamza", "Hamzah"],
    "زيد": ["Zaid", "Zayd", "Zeid"],
    "أنور": ["Anwar", "Anouar"],
    "جمال": ["Jamal", "Gamal"],
    "عبد العزيز": ["Abdel Aziz", "Abdul Aziz", "Abd al-Aziz", "Abdulaziz", "Abdelaziz", "Abdul Azeez"],
    "عبد الله": ["Abdullah", "Abdallah", "Abd Allah", "Abdulla"],
    "عبد الرحمن": ["Abdel Rahman", "Abdul Rahman", "Abdulrahman", "Abd al-Rahman", "Abdurrahman"],
    "عبد الكريم": ["Abdel Karim", "Abdul Kareem", "Abdulkarim", "Abd al-Karim"],
    "عبد الناصر": ["Abdel Nasser", "Abdul Nasir", "Abdulnasser", "Abd al-Nasir"],
    "سعيد": ["Saeed", "Said", "Sayed", "Saied"],
    "صالح": ["Saleh", "Salih"],
    "سليمان": ["Suleiman", "Sulaiman", "Soliman", "Sulayman"],
    "منصور": ["Mansour", "Mansur", "Mansoor"],
    "جعفر": ["Jafar", "Jaafar", "Jaffar"],
    "قاسم": ["Qasim", "Kassem", "Qassem", "Kasim"],
    "عادل": ["Adel", "Adil"],
    "عثمان": ["Othman", "Osman", "Uthman"],
    "هاشم": ["Hashim", "Hashem", "Hachem"],
    "عزيز": ["Aziz", "Azeez"],
    "ماجد": ["Majid", "Majed", "Maged"],
    "رياض": ["Riyad", "Riad", "Riyadh"],
    "عماد": ["Imad", "Emad"],
    "زياد": ["Ziad", "Ziyad"],
    "نبيل": ["Nabil", "Nabeel"],
    "فاطمة": ["Fatima", "Fatimah", "Fatma"],
    "عائشة": ["Aisha", "Aishah", "Aicha", "Ayesha"],
    "مريم": ["Maryam", "Mariam", "Meryem"],
    "زينب": ["Zainab", "Zaynab", "Zeinab"],
    "ليلى": ["Layla", "Leila", "Laila"],
    "هدى": ["Huda", "Houda", "Hoda"],
}
AR_FEMALE = frozenset(["فاطمة", "عائشة", "مريم", "زينب", "ليلى", "هدى"])
AR_FAMILY: dict[str, list[str]] = {
    "الرشيد": ["Al-Rashid", "Al Rashid", "Alrashid", "El-Rashid", "Ar-Rashid", "El Rachid"],
    "الحسيني": ["Al-Husseini", "Al Husaini", "El-Husseini", "Alhusseini"],
    "الشامي": ["Al-Shami", "Al Shami", "Alshami", "Ash-Shami", "El Chami"],
    "حداد": ["Haddad", "Hadad"],
    "خليل": ["Khalil", "Khaleel"],
    "التميمي": ["Al-Tamimi", "Al Tamimi", "Altamimi", "At-Tamimi"],
    "الزهراني": ["Al-Zahrani", "Al Zahrani", "Alzahrani", "Az-Zahrani"],
    "القحطاني": ["Al-Qahtani", "Al Qahtani", "Al-Kahtani", "Alqahtani"],
    "الدوري": ["Al-Douri", "Al Duri", "Al-Dori", "Ad-Douri"],
    "المصري": ["Al-Masri", "El-Masry", "Al Masri", "Elmasry"],
    "البغدادي": ["Al-Baghdadi", "Al Baghdadi", "El-Baghdadi", "Albaghdadi"],
    "الحلبي": ["Al-Halabi", "Al Halabi", "El-Halabi", "Alhalabi"],
    "النجار": ["Al-Najjar", "Al Naggar", "En-Najjar", "Alnajjar", "El Naggar"],
    "الخطيب": ["Al-Khatib", "El-Khatib", "Al Khateeb", "Alkhatib"],
    "العمري": ["Al-Omari", "Al Umari", "El-Omari", "Alomari"],
    "الجبوري": ["Al-Jubouri", "Al Jabouri", "Al-Juburi", "Aljubouri"],
    "السعدي": ["Al-Saadi", "Al Saadi", "As-Saadi", "Alsaadi"],
    "الكبيسي": ["Al-Kubaisi", "Al Kubaysi", "Alkubaisi"],
    "العلي": ["Al-Ali", "Al Ali", "Alali", "El-Ali"],
    "عباس": ["Abbas", "Abas"],
    "ياسين": ["Yassin", "Yasin", "Yaseen"],
    "الأحمد": ["Al-Ahmad", "Al Ahmed", "Alahmad"],
    "الهاشمي": ["Al-Hashimi", "Al Hashemi", "El-Hachemi"],
    "المنصوري": ["Al-Mansouri", "Al Mansoori", "Almansouri"],
    "الفارس": ["Al-Fares", "Al Faris", "Alfares"],
    "الشمري": ["Al-Shammari", "Al Shammary", "Ash-Shammari", "Alshammari"],
    "العتيبي": ["Al-Otaibi", "Al Utaybi", "Alotaibi", "Al-Oteibi"],
    "الدوسري": ["Al-Dosari", "Al Dossary", "Ad-Dawsari", "Aldosari"],
    "الرفاعي": ["Al-Rifai", "Al Refaie", "Ar-Rifai"],
    "الخوري": ["Al-Khoury", "El Khoury", "Khoury"],
    "الطائي": ["Al-Taie", "Al Tai", "At-Taei"],
    "البزاز": ["Al-Bazzaz", "Al Bazaz"],
}
AR_BIN = ("بن", ["bin", "ibn", "ben"])
AR_MALE_GIVEN = [k for k in AR_GIVEN if k not in AR_FEMALE]


def ar_person(rng: random.Random) -> list[str]:
    """An Arabic person's name as a list of Arabic-script words (a word may be 'عبد العزيز'):
    given name, maybe 'bin' and the father's name, family name."""
    out = [rng.choice(list(AR_GIVEN))]
    shape = rng.random()
    if shape < 0.15:
        out += [AR_BIN[0], rng.choice(AR_MALE_GIVEN)]
    elif shape < 0.5:
        out.append(rng.choice(AR_MALE_GIVEN))
    out.append(rng.choice(list(AR_FAMILY)))
    return out


def ar_spellings(word: str) -> list[str]:
    """The Latin spellings of one Arabic-script name word, the usual one first."""
    if word == AR_BIN[0]:
        return AR_BIN[1]
    return AR_GIVEN.get(word) or AR_FAMILY[word]


def ar_latin(parts: list[str], rng: random.Random | None = None, *, differ: bool = False) -> str:
    """The Latin spelling of an Arabic name: the usual one without rng, else a spelling chosen per
    word; with differ=True at least one word is spelled other than the usual way (when one can be)."""
    usual = [ar_spellings(w)[0] for w in parts]
    if rng is None:
        return " ".join(usual)
    out = [rng.choice(ar_spellings(w)) for w in parts]
    if differ and out == usual:
        options = [i for i, w in enumerate(parts) if len(ar_spellings(w)) > 1]
        if options:
            i = rng.choice(options)
            out[i] = rng.choice(ar_spellings(parts[i])[1:])
    return " ".join(out)


# --- Variants of a listed name ------------------------------------------------------------------


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def typo(rng: random.Random, text: str) -> str:
    """One substitution, deletion, insertion or transposition of a letter, never the first."""
    positions = [i for i, c in enumerate(text) if c.isalpha()]
    if len(positions) < 4:
        return text
    i = rng.choice(positions[1:])
    op = rng.randrange(4)
    letter = rng.choice("abcdefghijklmnoprstuvy")
    if op == 0:
        return text[:i] + letter + text[i + 1 :]
    if op == 1:
        return text[:i] + text[i + 1 :]
    if op == 2:
        return text[:i] + letter + text[i:]
    if i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + text[i + 1 :]


BENCH_KINDS = ("typo", "order", "legal", "accents", "case", "space")


def applicable(kind: str, name: str) -> bool:
    """Whether a benchmark kind can change a name (order needs two words, space three...)."""
    n = len(name.split())
    if kind == "order":
        return n > 1 and len(set(name.split())) > 1
    if kind == "space":
        return n > 2
    if kind == "typo":
        return sum(c.isalpha() for c in name) >= 4
    return True


def perturb(rng: random.Random, name: str, kinds: tuple[str, ...]) -> str:
    """A filed variant of a listed name by the given benchmark kinds: typos, word order, legal form
    dropped or added, accents stripped or added, case, two words written together."""
    parts = name.split()
    if "order" in kinds and len(parts) > 1:
        original = list(parts)
        while parts == original:
            rng.shuffle(parts)
    if "legal" in kinds:
        if parts[-1] in LEGAL_SET and len(parts) > 1:
            parts.pop()
        elif parts[0] in LEGAL_SET and len(parts) > 1:
            parts.pop(0)
        else:
            parts.append(rng.choice(LEGAL_FORMS))
    if "space" in kinds and len(parts) > 2:
        i = rng.randrange(len(parts) - 1)
        parts[i : i + 2] = [parts[i] + parts[i + 1]]
    text = " ".join(parts)
    if "accents" in kinds:
        stripped = strip_accents(text)
        if stripped != text:
            text = stripped
        else:
            spots = [i for i, c in enumerate(text) if c in ACCENTS]
            if spots:
                chosen = set(rng.sample(spots, max(1, len(spots) // 3)))
                text = "".join(rng.choice(ACCENTS[c]) if i in chosen else c for i, c in enumerate(text))
    if "case" in kinds:
        cases = [f for f in (str.upper, str.lower, str.title) if f(text) != text]
        if cases:
            text = rng.choice(cases)(text)
    if "typo" in kinds:
        text = typo(rng, text)
        if len(text) > 24 and rng.random() < 0.5:
            text = typo(rng, text)
    return text


def legal_position(parts: list[str]) -> int | None:
    """Where the spelled-out-able legal form of a name stands (last word, or first as in 'OOO X')."""
    if len(parts) > 1 and legal_key(parts[-1]) in LEGAL_SPELLED:
        return len(parts) - 1
    if len(parts) > 1 and legal_key(parts[0]) in LEGAL_SPELLED:
        return 0
    return None


def spell_out_legal(rng: random.Random, name: str) -> str | None:
    """The name with its legal form spelled out ('Velmora AG' -> 'Velmora Aktiengesellschaft'), or
    None when it has none that this table knows."""
    parts = name.split()
    i = legal_position(parts)
    if i is None:
        return None
    parts[i] = rng.choice(LEGAL_SPELLED[legal_key(parts[i])])
    return " ".join(parts)


def _mistype(rng: random.Random, word: str) -> str:
    """'Limited' -> 'Limietd' (two inner letters swapped), 'PLC' -> 'PLeC' (a letter added)."""
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    if len(letters) >= 5:
        inner = [i for i in letters[1:-1] if i + 1 < len(word) and word[i + 1].isalpha()]
        inner = [i for i in inner if word[i] != word[i + 1]]
        if inner:
            i = rng.choice(inner)
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    i = rng.choice(letters[1:]) if len(letters) > 1 else len(word)
    return word[:i] + rng.choice("aeiou") + word[i:]


def glue_or_mistype_legal(rng: random.Random, name: str) -> str | None:
    """The legal form written together with its neighbour ('VelmoraGmbH', 'OOOSevernyy') or
    mistyped ('Limietd', 'PLeC'); None when the name has no legal form as its first or last word."""
    parts = name.split()
    if len(parts) < 2:
        return None
    if parts[-1] in LEGAL_SET or parts[-1] == "Limited":
        i, j = len(parts) - 1, len(parts) - 2
    elif parts[0] in LEGAL_SET:
        i, j = 0, 1
    else:
        return None
    if rng.random() < 0.5:
        glued = parts[j] + parts[i] if j < i else parts[i] + parts[j]
        parts[min(i, j) : max(i, j) + 1] = [glued]
    else:
        parts[i] = _mistype(rng, parts[i])
    return " ".join(parts)


def abbreviate(rng: random.Random, name: str) -> str | None:
    """Every word the abbreviation table knows, abbreviated ('Intl', 'Mfg', 'Hldg'); None if none."""
    parts = name.split()
    hits = [i for i, w in enumerate(parts) if w in ABBREVIATIONS]
    if not hits:
        return None
    for i in hits:
        parts[i] = rng.choice(ABBREVIATIONS[parts[i]])
    return " ".join(parts)


def _meaningful(word: str) -> bool:
    return word not in GENERIC_DROP and word not in LEGAL_SET and word != "Limited"


def drop_generic(rng: random.Random, name: str) -> str | None:
    """One generic word left out ('Velmora General Trading LLC' -> 'Velmora Trading LLC'), when a
    word that is neither generic nor a legal form remains; None otherwise."""
    parts = name.split()
    spots = [i for i, w in enumerate(parts) if w in GENERIC_DROP]
    if not spots:
        return None
    i = rng.choice(spots)
    rest = parts[:i] + parts[i + 1 :]
    if not any(_meaningful(w) for w in rest):
        return None
    return " ".join(rest)


def add_generic(rng: random.Random, name: str) -> str:
    """A generic word added after the first word, before the legal form, or at the end."""
    parts = name.split()
    word = rng.choice([w for w in GENERIC_ADD if w not in parts])
    end = len(parts) - 1 if parts[-1] in LEGAL_SET or parts[-1] == "Limited" else len(parts)
    start = 1 if parts[0] not in LEGAL_SET else 2
    parts.insert(rng.randint(min(start, end), end), word)
    return " ".join(parts)


def initials(rng: random.Random, given: list[str], surname: list[str], surname_first: bool) -> str:
    """'I. Petrov', 'I.S. Petrov', 'Petrov I.S.' from given names (with patronymic) and a surname."""
    dot = rng.random() < 0.8
    letters = [g[0] + ("." if dot else "") for g in given]
    joined = ("" if dot and rng.random() < 0.5 else " ").join(letters)
    if surname_first or rng.random() < 0.2:
        return f"{' '.join(surname)} {joined}"
    return f"{joined} {' '.join(surname)}"


def glue_street(rng: random.Random, name: str, address: Address) -> str:
    """The street written into the name field: 'Velmora Trading FZE 12 Harbour Road'."""
    sep = rng.choice([" ", " ", ", "])
    return f"{name}{sep}{address.street}"


def glue_city(rng: random.Random, name: str, address: Address) -> str:
    """The city written into the name field: 'Velmora Trading Dubai'."""
    sep = rng.choice([" ", " ", ", "])
    return f"{name}{sep}{address.city}"


# --- Addresses ----------------------------------------------------------------------------------


def make_address(
    rng: random.Random, country: str, street_words: list[str], *, common: bool = True
) -> Address:
    """A street address written as in the country (the 'style'), in one of its cities. Street names
    come from `street_words` and, with common=True, also from the common names of the style
    (Hafen, Sadovaya, Harbour...): addresses off the list use common=False and invented words."""

    def street_name(names: list[str]) -> str:
        return rng.choice([*names, rng.choice(street_words)] if common else street_words)

    style = STREET_STYLE.get(country, "en")
    n = rng.randint(1, 400)
    if style == "de":
        street = f"{street_name(STREETS_DE)}straße {n}"
    elif style == "ru":
        street = f"ulitsa {street_name(STREETS_RU)}, {n}"
    elif style == "fr":
        street = f"{n} rue du {street_name(['Port', 'Marché', 'Moulin', 'Canal'])}"
    elif style == "latin":
        street = f"{LATIN_TYPES.get(country, 'Via')} {street_name(STREETS_LATIN)} {n}"
    elif style == "tr":
        street = f"{street_name(STREETS_TR)} Caddesi No {n}"
    elif style == "cn":
        street = f"{n} {street_name(STREETS_CN)} Road"
    elif style == "ae" and common and rng.random() < 0.5:
        street = f"Plot {rng.choice('ABCDS')}{rng.randint(10000, 99999)}, {rng.choice(FREE_ZONES)}"
    else:
        street = f"{n} {street_name(STREETS)} {rng.choice(EN_TYPES)}"
    city = rng.choice(CITIES.get(country) or [rng.choice(street_words)])
    postcode = None
    if style != "ae":
        postcode = str(rng.randint(100000, 999999) if style == "ru" else rng.randint(1000, 99999))
    return Address(street=street, city=city, postcode=postcode, country_id=country)


def address_line(rng: random.Random, address: Address) -> str:
    """The address as a list writes it on one line, without the country: 'Hafenstraße 12, 20457
    Hamburg', sometimes 'Hamburg 20457' or without the postcode."""
    shape = rng.random()
    if address.postcode and shape < 0.7:
        return f"{address.street}, {address.postcode} {address.city}"
    if address.postcode and shape < 0.85:
        return f"{address.street}, {address.city} {address.postcode}"
    return f"{address.street}, {address.city}"


_STREET_SHORT = [
    (r"straße\b", ["str.", "strasse", "str"]),
    (r"\bulitsa\b", ["ul.", "ul", "ulica"]),
    (r"\bCaddesi\b", ["Cad.", "Cd.", "Cad"]),
    (r"\bRoad\b", ["Rd", "Rd."]),
    (r"\bStreet\b", ["St", "St."]),
    (r"\bAvenue\b", ["Ave", "Av."]),
    (r"\bLane\b", ["Ln"]),
    (r"\bDrive\b", ["Dr."]),
    (r"\bCalle\b", ["C/", "Cl."]),
    (r"\bAvenida\b", ["Av.", "Avda."]),
    (r"\brue\b", ["r.", "Rue"]),
    (r"\bVia\b", ["V.", "via"]),
    (r"\bPlot\b", ["Plot No.", "Plot no"]),
    (r"\bNo\b", ["No.", "Nr."]),
]


def reformat_address(rng: random.Random, address: Address) -> Address:
    """The same address as another filer writes it: street word abbreviated, house number moved,
    the postcode or city put in another field, commas moved, capitals."""
    street, city, postcode = address.street or "", address.city, address.postcode
    ops = rng.sample(["short", "number", "fields", "upper"], rng.choice([1, 1, 2]))
    if "short" in ops:
        for pattern, repl in _STREET_SHORT:
            if re.search(pattern, street):
                street = re.sub(pattern, rng.choice(repl), street, count=1)
                break
    if "number" in ops:
        m = re.match(r"^(\d+),? (.+)$", street) or None
        n = re.search(r"^(.+?),? (?:No\.? )?(\d+)$", street)
        if m:
            street = f"{m.group(2)} {m.group(1)}" if rng.random() < 0.5 else f"{m.group(1)}, {m.group(2)}"
        elif n:
            street = f"{n.group(2)} {n.group(1)}" if rng.random() < 0.5 else f"{n.group(1)}, {n.group(2)}"
    if "fields" in ops:
        choice = rng.randrange(3)
        if choice == 0 and postcode:
            city, postcode = f"{postcode} {city}", None  # postcode written in the city field
        elif choice == 1:
            street, city = f"{street}, {city}", None  # city written on the street line
        else:
            street = street.replace(", ", " ")  # commas left out
    if "upper" in ops:
        street, city = street.upper(), city.upper() if city else city
    return Address(street=street, city=city, postcode=postcode, country_id=address.country_id)


# --- Identifiers --------------------------------------------------------------------------------


def make_identifier(rng: random.Random, scheme: str) -> str:
    """A listed identifier value: EORI 'DE' + 15 digits, INN 10 digits, passport 'AB1234567' or a
    Russian passport's 9 digits."""
    if scheme == "EORI":
        return "DE" + "".join(rng.choice("0123456789") for _ in range(15))
    if scheme == "INN":
        return rng.choice("1234567") + "".join(rng.choice("0123456789") for _ in range(9))
    if scheme == "PASSPORT-RU":
        return rng.choice(["72", "75", "76"]) + "".join(rng.choice("0123456789") for _ in range(7))
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    return rng.choice(letters) + rng.choice(letters) + "".join(rng.choice("0123456789") for _ in range(7))


def _groups(text: str, size: int, sep: str) -> str:
    return sep.join(text[i : i + size] for i in range(0, len(text), size))


def reformat_identifier(rng: random.Random, scheme: str, value: str) -> str:
    """The identifier as a filer writes it, never exactly as listed: separators, spaces, a label,
    lower case, the country prefix left out or added."""
    if scheme == "EORI":
        digits = value[2:]
        options = [
            f"DE {_groups(digits, 4, ' ')}",
            f"DE-{digits}",
            digits,
            value.lower(),
            f"EORI {value}",
            f"EORI: DE {digits}",
            f"DE {digits}",
            f"DE{_groups(digits, 3, '-')}",
        ]
    elif scheme == "INN":
        options = [
            f"INN {value}",
            f"INN: {value}",
            f"ИНН {value}",
            f"{value[:4]}-{value[4:]}",
            f"{value[:2]} {value[2:4]} {value[4:]}",
            f"RU{value}",
            f"RU {value}",
        ]
    elif scheme == "PASSPORT-RU":
        options = [
            f"{value[:2]} {value[2:]}",
            f"{value[:2]}-{value[2:]}",
            f"RU {value}",
            f"PASSPORT {value[:2]} {value[2:]}",
        ]
    else:
        options = [
            f"{value[:2]} {value[2:]}",
            f"{value[:2]}-{value[2:]}",
            value.lower(),
            f"PASSPORT {value}",
            f"No. {value[:2]} {value[2:]}",
            f"PP {value}",
        ]
    return rng.choice([o for o in options if o != value])
