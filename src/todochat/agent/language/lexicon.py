"""The words the built-in agent knows, as data: one place to teach it a new word."""

from __future__ import annotations


def word_set(text: str) -> frozenset[str]:
    """The words of a block of text, as a set: word lists read best as prose."""
    return frozenset(text.split())


# Said before a command without changing it: "ok so pls delete task 2".
COMMAND_LEAD_INS = word_set(
    """ok okay so oh and also now then alright right um umm hmm well hey hi yo please
    kindly can could would will you just actually btw quickly quick yeah yes ah oops
    whoops sorry wait hmmm ahh erm uh lol haha"""
)

# Chat shorthand, read as the words it stands for.
SHORTHAND = {
    "tmrw": "tomorrow", "tmr": "tomorrow", "tmrow": "tomorrow", "tmoro": "tomorrow",
    "tomoz": "tomorrow", "2moro": "tomorrow", "2morrow": "tomorrow", "tomo": "tomorrow",
    "tomorow": "tomorrow", "tommorow": "tomorrow", "tommorrow": "tomorrow",
    "2day": "today", "tdy": "today", "2nite": "tonight", "tonite": "tonight",
    "pls": "please", "plz": "please", "plse": "please", "pleas": "please", "pleaseee": "please",
    "u": "you", "ur": "your", "thx": "thanks", "thnx": "thanks", "thanx": "thanks",
    "ty": "thanks", "tysm": "thanks", "cheers": "thanks",
    "wat": "what", "wut": "what", "wot": "what", "wats": "what's", "whats": "what's",
    "wat's": "what's", "wuts": "what's", "what're": "what are",
    "im": "i'm", "ive": "i've", "dont": "don't", "didnt": "didn't", "cant": "can't",
    "isnt": "isn't", "doesnt": "doesn't", "wont": "won't", "its": "it's", "thats": "that's",
    "nvm": "never mind", "nevermind": "never mind", "mins": "minutes", "min": "minutes",
    "hrs": "hours", "hr": "hours", "wk": "week", "wks": "weeks", "mon": "monday",
    "tues": "tuesday", "thurs": "thursday", "wknd": "weekend", "b4": "before",
    "asap": "asap", "todo": "todo", "to-do": "todo", "todos": "todos", "to-dos": "todos",
    "n": "and", "&": "and", "w/": "with", "prio": "priority", "pri": "priority",
    "fav": "favourite", "info": "info", "r": "are", "y": "why", "k": "ok", "kk": "ok",
    "okie": "ok", "okey": "ok", "yep": "yes", "yup": "yes", "ya": "yes",
    "lef": "left", "lft": "left", "ls": "list", "rm": "remove", "del": "delete", "lst": "list",
    "tsk": "task", "taks": "task", "tsak": "task", "teh": "the", "adn": "and", "taht": "that",
}  # fmt: skip

# Words the agent acts on. Only these are ever the result of a spelling correction.
COMMAND_WORDS = word_set(
    """add create new put save jot note write remember remind log delete remove erase drop
    cancel scratch trash ditch scrap forget complete finish close tick check cross mark
    done show list see view display give get find search look tell rename retitle edit
    change update modify set move push postpone reschedule delay defer bump prioritize
    prioritise deprioritize lower raise make flag what what's which how any anything help
    hello thanks"""
)
VOCABULARY = COMMAND_WORDS | word_set(
    """task tasks todos list pending completed finished outstanding remaining overdue
    priority urgent important description details title deadline tomorrow today tonight
    monday tuesday wednesday thursday friday saturday sunday morning afternoon evening
    week weekend month january february march april june july august september october
    november december please reminder reminders everything eod eow eom eoy number"""
)
# Ordinary words a misspelled command word could be mistaken for; never corrected.
ORDINARY_WORDS = word_set(
    """a an and as at be by do go ha he if in is it me my no of on or so to up us we
    never maybe could would should there lol stick pop chuck whack jot where their these those
    about after again
    alarm other every ever evening event being doing going having
    ask bad bag bat bed bet bid big bin bit box bus but buy cab can car cat cut day did
    dog dry due eat egg end eye far fat fee few fix fly for fun gas get got gym had has
    hat her him his hot how its job key kid let lid lot low man map may mom mum new nor
    not now odd off oil old one our out own pay pen pet pop pot ran raw red rid run sad
    saw say see set she shoe sit six son sun tax tea ten the tie tip too top toy try two
    use van vet via war was way web wet who why win yes yet you zip
    also back bake bank bark bill bone book call card care cart cash chat clean code cold
    cook cool copy date deal desk dine dish does dome dose down draw drop dust each easy
    edit else even ever face fact fair fall fast file fill film find fine fire fish fold
    food form free from fuel full game gate gave gift give glad goal gone good grab hair
    half hall hand hang hard have head hear heat help here hide high hold home hook hope
    host hour idea into iron item just keep kids kind last late lawn lead lend less like
    line link list live load loan lock long look lost love mail main make male many mark
    mask meal meat meet menu milk mind miss mode more most move much must name near need
    news next nice none note once only open over pack page paid pain pair park part pass
    past path pick pill plan play plug post pull push rack rain rate read rent rest ride
    ring rise road rock role roof room rule safe sale salt same sand save seat seed seen
    sell send shed ship shop show shut sick side sign sink size skip slow snow soap sock
    some song soon sort spot stop such suit sure take talk tall tank task team tell tent
    test text than that them then they thin this tile time told tool tour town tree trip
    true tune turn type unit upon used vase very view vote wait wake walk wall want warm
    wash wave wear week well went were west what when whom wide wife wild will wind wine
    wire wise wish with wood word work wrap yard year your zone
    admin apple aside badge baked beach bread break brick bring brush build bunch cable
    chair chart check chess child clock close cloth coach coats count cover crack cream
    dance debit delta dinner dress drink drive early email entry essay event extra fence
    field final floor focus fresh front fruit glass grass green group guest guide habit
    heart hello hobby horse hotel house human image index issue juice knife label large
    later laundry layer learn lemon level light linen local lunch magic maker match
    meter metal money month mouse movie music nurse offer order other owner paint panel
    paper party patch phone photo piano piece place plane plant plate point print prize
    proof queue quiet quote radio range refund relax reply rinse river round salad scale
    scarf score shelf shift shirt shoes shore short sight skill sleep small smart smile
    space spare speak spend spice sport staff stage stamp stand start state steam stock
    store storm story stove study style sugar table taste teach teeth thank thing throw
    timer title toast today topic total towel tower track trade train trash treat trial
    truck trust twice uncle under unite until visit voice waste watch water wheel while
    white whole world write wrong yield young youth
    planet planets spending sending pending bending mending lending tending remote
    remodel reminder reminders complex compete compute comment commute comply listen
    listed lister select delight deliver delete detail detect cancel chance change
    charge finance finish fetch market marked marker master matter mention dentist
    landlord passport renew report slides meeting groceries grocery prepare quarterly
    electricity appointment"""
)

# Priorities, and the words that ask for them.
PRIORITY_WORDS = {
    "low": "low", "medium": "medium", "normal": "medium", "average": "medium",
    "high": "high", "important": "high", "urgent": "urgent", "critical": "urgent",
    "top": "urgent", "highest": "urgent", "lowest": "low",
}  # fmt: skip

STATUS_WORDS = {
    "pending": "pending", "open": "pending", "outstanding": "pending",
    "remaining": "pending", "incomplete": "pending", "unfinished": "pending",
    "current": "pending", "left": "pending", "active": "pending", "undone": "pending",
    "todo": "pending", "upcoming": "pending",
    "completed": "completed", "complete": "completed", "done": "completed",
    "finished": "completed", "closed": "completed", "ticked": "completed",
    "checked": "completed", "accomplished": "completed",
}  # fmt: skip

ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
    "4th": 4, "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7,
    "eighth": 8, "8th": 8, "ninth": 9, "9th": 9, "tenth": 10, "10th": 10,
    "last": -1, "final": -1, "top": 1, "bottom": -1,
}  # fmt: skip
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a": 1, "an": 1,
    "a couple of": 2, "couple of": 2, "a few": 3, "few": 3,
}  # fmt: skip

# Past tenses that do not end in -ed, for "I paid the bill" → "Pay the bill".
IRREGULAR_PAST = {
    "paid": "pay", "bought": "buy", "sent": "send", "wrote": "write", "did": "do",
    "made": "make", "took": "take", "went": "go", "got": "get", "gave": "give",
    "met": "meet", "rang": "ring", "sold": "sell", "brought": "bring",
    "ran": "run", "drove": "drive", "fed": "feed", "found": "find", "built": "build",
    "swept": "sweep", "hung": "hang",
    "spoke": "speak", "taught": "teach", "threw": "throw",
    "told": "tell", "won": "win", "ate": "eat", "drew": "draw", "fixed": "fix",
    "picked": "pick", "dropped": "drop", "shopped": "shop", "planned": "plan",
    "renewed": "renew", "emailed": "email", "mailed": "mail", "texted": "text",
    "phoned": "phone", "booked": "book", "called": "call", "washed": "wash",
    "watered": "water", "cleaned": "clean", "cooked": "cook", "returned": "return",
    "prepared": "prepare", "posted": "post", "submitted": "submit", "filed": "file",
    "scheduled": "schedule", "ordered": "order", "signed": "sign", "tidied": "tidy",
    "hoovered": "hoover", "vacuumed": "vacuum", "collected": "collect",
    "mowed": "mow", "walked": "walk", "visited": "visit", "replied": "reply",
    "answered": "answer", "renovated": "renovate", "paid off": "pay",
}  # fmt: skip

# Words that say nothing about which task is meant.
REFERENCE_STOPWORDS = word_set(
    """the a an my this that these those task tasks todo todos item items one ones thing
    things stuff reminder called named titled about for number no to of on in with
    from list entry i me please your our which oops whoops sorry same also too do so again
    actually really just now then still maybe we is are was were be been"""
)

# Verbs a task usually starts with: "buy milk and call mom" is two tasks, and a bare
# "buy milk tomorrow" is a task to add.
TASK_VERBS = word_set(
    """buy call email e-mail text pay book clean wash fix send write read pick drop get
    make take go do finish prepare cook water walk feed schedule renew return order post
    mail check review submit file cancel update plan organise organize sort tidy vacuum
    hoover mow iron pack unpack bring collect visit meet ring phone message reply respond
    print sign apply register charge change move replace repair install back research
    learn study practice practise start drink eat exercise run attend ask tell invite
    thank wrap bake shop grab hang paint clear empty throw recycle donate sell fill
    refill top pickup follow chase contact arrange confirm book reserve rent hire hoover
    dust sweep mop scrub defrost load unload fold change cut trim prune plant weed rake
    shovel wipe polish sharpen service test backup download upload install uninstall
    upgrade renew transfer deposit withdraw budget calculate count measure weigh
    research read watch listen record edit draft proofread design build code
    deploy fix debug merge push pull commit release publish share post tweet blog
    celebrate wish congratulate apologise apologize visit see take get go pick drop
    help babysit walk feed groom bathe vaccinate see meet greet host throw prep decorate
    wrap ship mail return exchange refund claim file lodge report notify inform remind
    text dm ping slack call fax scan copy print laminate shred sign notarise notarize
    stretch meditate journal jog swim cycle bike hike climb train lift practise rehearse
    memorise memorize revise finalise finalize double-check doublecheck verify sort
    declutter reorganise reorganize repot water mulch fertilise fertilize spray cancel
    unsubscribe subscribe renew extend return collect deliver drive fly travel commute
    leave arrive depart board catch look find search figure work think decide choose
    compare try taste brew boil bake grill roast fry stir mix"""
)

# Words that name the same action, for finding a task by what was done: "I rang mom"
# is "Call mom".
SYNONYMS = {
    "ring": "call", "phone": "call", "rang": "call", "talk": "call", "speak": "call",
    "spoke": "call", "chat": "call", "mail": "email", "e-mail": "email",
    "purchase": "buy", "pick": "buy", "settle": "pay", "finalise": "finish",
    "finalize": "finish", "complete": "finish", "mum": "mom", "mother": "mom",
    "dad": "father", "flat": "apartment", "groceries": "grocery", "shopping": "grocery",
}  # fmt: skip

# Sounds of speech, dropped before anything reads the message: "um add uh milk".
DISFLUENCIES = word_set("um umm ummm uh uhh uhm erm er ehm hmm hm mm mmm")
