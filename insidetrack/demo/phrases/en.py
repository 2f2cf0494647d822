"""British-English phrase bank: how owners of a premium car actually write in a one-line survey box."""

from __future__ import annotations

from .base import Bank

CLAUSES = {
    "sales_process": {
        "enquiry": (
            (
                "they sent a clear quote with all the options explained",
                "the salesman suggested a test drive without being pushy",
                "they invited me in to go through the configuration properly",
                "they answered honestly even when the answer was no",
            ),
            (
                "all they wanted was to get me into the showroom",
                "the quote they sent was for the wrong model",
                "they pushed finance offers before answering my question",
                "the quote was vague and missing half the options",
            ),
        ),
        "test_drive": (
            (
                "the salesman knew the range inside out and didn't push me",
                "no pressure at all after the drive, they let me think it over",
                "afterwards they went through the options and the configuration with me",
                "I got a clear offer after the test drive with no hard sell",
            ),
            (
                "straight after the drive the salesman tried to get me to sign",
                "the salesman was pushy and kept talking about this month's offers",
                "the offer they promised after the drive never came",
                "the salesman couldn't answer basic questions about the spec",
            ),
        ),
        "*": (
            (
                "the whole buying process was smooth and nothing was rushed",
                "no pressure at all, they let me take my time",
                "the salesman knew the range inside out and found exactly the right spec",
                "they put together a fair offer without any haggling",
                "the configuration was explained step by step",
                "everything from quote to order was straightforward",
                "I never felt pushed into extras I didn't want",
            ),
            (
                "the salesman was pushy and kept trying to upsell me",
                "I felt like just another number in their sales target",
                "nobody could tell me the exact spec of the {car} I was ordering",
                "the order confirmation had the wrong options on it twice",
                "they tried to rush me into signing the same day",
                "it took three visits to get a proper quote",
                "the whole sales process felt very old fashioned",
            ),
        ),
        "repurchase": (
            (
                "they made switching to the new {car} really easy",
                "as a returning customer I was treated like one",
                "they remembered my preferences from the last car",
                "the changeover from my old car to the new one was seamless",
                "loyalty clearly counts for something here",
            ),
            (
                "being a loyal customer for years counted for nothing",
                "they treated me like a stranger even though this is my third car with them",
                "nobody contacted me when my lease was ending, I had to chase them",
                "the changeover to the new car was badly organised",
                "I was offered a better deal as a new customer elsewhere",
            ),
        ),
    },
    "test_drive": {
        "*": (
            (
                "the test drive was long enough to really get a feel for the {car}",
                "they let me take the {car} on the motorway and not just round the block",
                "the demo car was ready and fuelled when I arrived",
                "they let me keep the car for the whole afternoon",
                "the salesman explained the driving modes during the test drive",
                "I could do the test drive on my own without someone breathing down my neck",
            ),
            (
                "the test drive was barely ten minutes round the industrial estate",
                "the demo car wasn't ready when I got there",
                "the demonstrator was filthy and had a warning light on",
                "they didn't have the engine I wanted to try",
                "the test drive got cancelled at short notice",
                "the salesman was on the phone during the whole test drive",
            ),
        ),
    },
    "handover_experience": {
        "*": (
            (
                "the handover was a real occasion, car under a cover in the delivery bay",
                "they spent over an hour explaining all the features of the {car}",
                "the {car} was spotless and beautifully presented",
                "they set up my phone and the app with me before I drove off",
                "there were even flowers and a little gift at the handover",
                "everything about the handover felt premium",
                "they walked me round the car and answered every question",
            ),
            (
                "the handover was rushed, keys handed over in five minutes",
                "nobody explained the features, I had to figure it out from the manual",
                "the car had a scratch on the door at delivery",
                "the {car} wasn't even cleaned properly for the handover",
                "the handover was done in the car park in the rain",
                "they forgot half the accessories I ordered",
                "the handover felt like an afterthought",
            ),
        ),
    },
    "finance_paperwork": {
        "*": (
            (
                "the paperwork was done quickly and clearly",
                "all the documents were ready, I just had to sign",
                "they explained every form before I signed",
            ),
            (
                "the paperwork took forever",
                "the contract had mistakes and had to be redone",
                "I had to send the same documents three times",
            ),
        ),
        "finance": (
            (
                "the finance manager explained every option clearly",
                "the loan was approved within a day",
                "the monthly payments are exactly what we agreed",
                "no hidden fees in the finance agreement",
                "the finance paperwork was sorted in half an hour",
                "they found a finance package that really fits my budget",
            ),
            (
                "the finance manager kept pushing insurance products I didn't need",
                "the loan approval took almost two weeks",
                "the figures in the agreement didn't match what I was quoted",
                "I had to chase the finance team several times for documents",
                "nobody explained the balloon payment properly",
                "the finance paperwork was a complete mess",
            ),
        ),
        "handover": (
            (
                "the paperwork at delivery was already prepared, just a couple of signatures",
                "registration and documents were all in order on the day",
                "they went through the paperwork quickly so we could focus on the car",
            ),
            (
                "we spent more time on paperwork than on the car at the handover",
                "the registration documents weren't ready on the day",
                "the V5 had to be posted later because they'd forgotten it",
                "the invoice at delivery had errors on it",
            ),
        ),
    },
    "waiting_time": {
        "enquiry": (
            (
                "they replied to my web enquiry within the hour",
                "got a call back the same morning",
                "super quick response to my online request",
                "someone got back to me the same day",
            ),
            (
                "it took four days for anyone to reply to my web enquiry",
                "I waited a week for a call back that never came",
                "I had to send my enquiry twice before anyone answered",
                "no response to my online request for days",
            ),
        ),
        "deposit": (
            (
                "the delivery date was confirmed straight away",
                "the car arrived earlier than promised",
                "the lead time was shorter than I expected",
            ),
            (
                "the delivery date has been pushed back three times",
                "the lead time for the {car} is ridiculous",
                "months after paying the deposit I still don't have a firm date",
            ),
        ),
        "finance": (
            (
                "the approval came through in no time",
                "everything was signed off the same day",
            ),
            (
                "waiting for the loan approval took far too long",
                "I sat in the showroom for two hours waiting for the documents",
            ),
        ),
        "handover": (
            (
                "the car was ready on the day we agreed",
                "no waiting around on delivery day",
            ),
            (
                "delivery was delayed twice without a proper explanation",
                "I waited over an hour at the dealer before the handover even started",
                "the car was ready two weeks later than promised",
            ),
        ),
        "service": (
            (
                "the car was ready when they said it would be",
                "in and out in under an hour",
                "got the car back the same afternoon",
                "they finished earlier than expected",
                "I waited in the lounge and it was done in no time",
            ),
            (
                "the service took much longer than promised",
                "I waited three hours for a simple oil change",
                "they kept the car four days for a one day job",
                "had to wait two weeks just to get an appointment",
                "I was told two hours and it ended up being all day",
            ),
        ),
    },
    "courtesy_car": {
        "*": (
            (
                "they gave me a courtesy car without any fuss",
                "the courtesy car was a brand new model, very nice",
                "the loan car was clean and ready when I arrived",
                "getting a courtesy car was easy",
            ),
            (
                "no courtesy car available even though I booked weeks ahead",
                "the courtesy car was dirty and nearly out of fuel",
                "I was promised a loan car but there wasn't one",
                "they gave me a tiny hatchback as a courtesy car",
                "I was charged for fuel on the courtesy car",
            ),
        ),
    },
    "communication": {
        "event": (
            (
                "the invitation and all the details came well in advance",
                "they sent clear info about the day beforehand",
            ),
            (
                "we only got the schedule the night before",
                "nobody told us the start time had changed",
            ),
        ),
        "*": (
            (
                "they kept me informed at every step",
                "I always got a clear answer to my questions",
                "communication was excellent from start to finish",
                "they called me back every time they said they would",
                "I always knew what was happening",
            ),
            (
                "nobody kept me updated, I had to chase them for everything",
                "I never got the call back I was promised",
                "emails went unanswered for days",
                "I got different answers from different people",
                "communication was really poor",
            ),
        ),
        "enquiry": (
            (
                "the answer to my enquiry was detailed and personal, not a copy and paste",
                "they answered all my questions about the {car} by email",
                "the salesman called me back and really listened to what I wanted",
                "they followed up without being pushy",
            ),
            (
                "I just got an automated email and then nothing",
                "the reply didn't answer a single one of my questions",
                "they called me back but clearly hadn't read my enquiry",
                "nobody followed up after the first call",
            ),
        ),
        "service": (
            (
                "the service advisor called to explain what was needed before doing any work",
                "I got a video with photos of the work, very helpful",
                "they rang to let me know the car was ready",
                "everything on the invoice was explained to me",
            ),
            (
                "nobody called me to say the car was ready",
                "they did extra work without asking me first",
                "I had to ring three times to get an update on my car",
                "the advisor couldn't explain what had actually been done",
                "I was never told about the delay",
            ),
        ),
        "ownership": (
            (
                "nice to get a call just to check everything is ok with the car",
                "the check-in call was friendly and not a sales pitch",
                "they followed up on the small issue I mentioned at delivery",
                "good to know they still care after the sale",
            ),
            (
                "the check-in call was just a sales pitch",
                "I mentioned a problem on the last call and nobody followed it up",
                "I have heard nothing from the dealer since I picked up the car",
                "they called at a really inconvenient time and were in a hurry",
            ),
        ),
    },
    "price_value": {
        "*": (
            (
                "the offer was fair and transparent",
                "they gave me a decent discount without me having to fight for it",
                "good value for a car of this quality",
                "the final price matched the quote to the penny",
            ),
            (
                "the price went up between the quote and the order",
                "zero discount, take it or leave it",
                "way overpriced compared to other dealers",
                "extras that should be standard cost a fortune",
            ),
        ),
        "service": (
            (
                "the invoice was exactly what was quoted",
                "fair price for the work done",
                "no surprises on the bill",
                "the service plan keeps the cost very reasonable",
            ),
            (
                "the invoice was much higher than the quote",
                "way too expensive for what they did",
                "they charged me for things I didn't ask for",
                "the labour rates are outrageous",
                "almost 600 quid for a basic service is not ok",
            ),
        ),
        "finance": (
            (
                "the interest rate was very competitive",
                "the monthly payment is lower than I expected",
                "the finance deal was better than my bank's",
            ),
            (
                "the interest rate was higher than my bank offered",
                "the monthly payments crept up at the last minute",
                "the finance deal is expensive once you add all the fees",
            ),
        ),
        "repurchase": (
            (
                "they gave me a very fair price for my trade-in",
                "the trade-in value was better than I expected",
                "I got a good loyalty bonus on the new car",
                "the part exchange offer was fair and done on the spot",
            ),
            (
                "the trade-in offer for my old car was insulting",
                "they knocked money off my part exchange for every tiny scratch",
                "no loyalty discount at all after three cars",
                "the trade-in valuation dropped on the day of the handover",
            ),
        ),
    },
    "staff_attitude": {
        "enquiry": (
            (
                "the salesman on the phone was friendly and helpful",
                "really polite and professional on the phone",
                "friendly and personal emails, not robotic at all",
            ),
            (
                "the salesman on the phone was arrogant",
                "the person I spoke to was rude and impatient",
                "they made me feel like I was bothering them",
            ),
        ),
        "ownership": (
            (
                "the person who called was friendly and genuinely interested",
                "really pleasant chat with the salesman who sold me the car",
                "polite and not in a rush",
            ),
            (
                "the caller was reading from a script and not interested",
                "the person on the phone was impatient",
                "the salesman who called was quite rude",
            ),
        ),
        "*": (
            (
                "the salesman was friendly and really professional",
                "staff were welcoming from the moment I walked in",
                "everyone was polite and took their time with me",
                "the team went out of their way to help",
                "really nice people, no arrogance",
            ),
            (
                "the salesman was arrogant and not interested",
                "staff ignored me for ages when I walked in",
                "I felt judged on how I was dressed",
                "the staff seemed more interested in their phones than in me",
                "the salesman was rude when I asked a simple question",
            ),
        ),
        "event": (
            (
                "the instructors were brilliant and really patient",
                "the driving coaches gave great tips on every lap",
                "the hosts made everyone feel welcome",
                "the instructor in my car was fun and very professional",
            ),
            (
                "the instructors were arrogant and barely gave any feedback",
                "the instructor spent more time on his phone than with our group",
                "the staff at the event were disorganised and unfriendly",
                "nobody really looked after the guests",
            ),
        ),
        "service": (
            (
                "the service advisor was friendly and very knowledgeable",
                "the receptionist was lovely and made me a coffee",
                "the advisor took time to explain everything",
                "the service staff were polite and helpful",
            ),
            (
                "the service advisor was unfriendly and dismissive",
                "the reception staff were rude",
                "the advisor acted like I was wasting his time",
                "nobody at the service desk seemed to care",
            ),
        ),
        "finance": (
            (
                "the finance manager was patient and honest",
                "the F&I manager took the time to go through everything with us",
                "the finance guy was friendly and not pushy at all",
            ),
            (
                "the finance manager was pushy and condescending",
                "the F&I guy treated us like we didn't understand numbers",
                "the finance manager was impatient and rushed us",
            ),
        ),
    },
    "workmanship": {
        "*": (
            (
                "the work was done properly first time",
                "they fixed the rattle nobody else could find",
                "the car came back spotless, even washed and hoovered",
                "everything was done exactly as agreed",
                "the car drives like new again",
            ),
            (
                "the fault is still there after the service",
                "I had to bring the car back because the job wasn't done properly",
                "they left greasy marks on the seat and steering wheel",
                "the car came back with a new scratch on the bumper",
                "they forgot to reset the service indicator",
                "the warning light came back on two days later",
            ),
        ),
    },
    "vehicle_quality": {
        "test_drive": (
            (
                "the {car} drives beautifully",
                "the {car} felt incredibly refined on the road",
                "the car was even better than I expected",
                "the acceleration of the {car} is something else",
            ),
            (
                "the {car} felt less refined than I expected",
                "the ride was much firmer than I expected",
                "the demo car had rattles everywhere",
                "the infotainment froze twice during the drive",
            ),
        ),
        "handover": (
            (
                "the {car} looks even better in the flesh",
                "the car is exactly as I specified it",
                "the {car} is an absolute dream",
            ),
            (
                "the car had a software fault on the very first day",
                "the car wasn't the spec I ordered",
                "a warning light came on during the drive home",
            ),
        ),
        "event": (
            (
                "the cars on track were perfectly prepared",
                "driving the latest models back to back was great",
                "the cars were brand new and in perfect condition",
            ),
            (
                "half the cars had worn tyres",
                "one of the cars broke down on track",
                "the cars were old models, not the new ones advertised",
            ),
        ),
        "*": (
            (
                "the {car} is an absolute dream to drive",
                "the build quality of the {car} is superb",
                "love the car, quiet, quick and comfortable",
                "the car is everything I hoped for",
                "the {car} drives beautifully",
            ),
            (
                "the {car} has had rattles since day one",
                "the infotainment keeps crashing",
                "for a car at this price the build quality is disappointing",
                "there was already a software fault on the {car} in the first week",
                "the car has been back three times for the same issue",
            ),
        ),
    },
    "facilities": {
        "*": (
            (
                "the showroom is modern and really welcoming",
                "lovely lounge with good coffee",
                "clean, bright and comfortable premises",
            ),
            (
                "the showroom looked tired and messy",
                "nowhere to park at the dealership",
                "the waiting area was cramped and the coffee machine was broken",
            ),
        ),
        "event": (
            (
                "the venue and catering were excellent",
                "great food and a lovely hospitality area at the circuit",
                "the whole setting at the track was impressive",
                "the lunch and drinks were top quality",
            ),
            (
                "the catering was poor and ran out early",
                "there was nowhere to shelter from the rain between sessions",
                "the hospitality area was far too small for the number of guests",
                "the toilets at the venue were a disgrace",
            ),
        ),
        "service": (
            (
                "the customer lounge is comfortable with decent wifi",
                "nice waiting area with coffee and snacks",
                "clean and modern service reception",
            ),
            (
                "the waiting area is tiny and the wifi didn't work",
                "no proper place to wait, just a few chairs by the door",
                "the customer lounge was dirty",
            ),
        ),
        "handover": (
            (
                "the delivery bay is beautiful, it really felt special",
                "a dedicated handover room with champagne, very classy",
                "the handover lounge was quiet and private",
            ),
            (
                "there is no proper delivery area, just a corner of the showroom",
                "the handover bay was being used for storage",
                "the car was handed over in a noisy corner next to the workshop",
            ),
        ),
    },
    "events": {
        "event": (
            (
                "the track day was an amazing experience",
                "well organised event with plenty of time behind the wheel",
                "the driving exercises were challenging and great fun",
                "getting to drive on a real circuit was unforgettable",
                "the programme was varied and perfectly timed",
            ),
            (
                "the event was badly organised and we spent most of the day waiting",
                "only two short laps each, for a whole day out",
                "the track sessions were cut short without explanation",
                "way too many people for the number of cars",
                "the programme was nothing like what was advertised",
            ),
        ),
        "*": (
            (
                "I love the invitations to owner events",
                "the owners' evening at the dealer was really nice",
                "they invited me to a driving event, a great touch",
            ),
            (
                "I never get invited to any of the owner events",
                "the owner events are always fully booked",
                "the invitation came far too late to attend",
            ),
        ),
    },
    "digital_app": {
        "*": (
            (
                "the app makes booking really easy",
                "online booking worked perfectly",
                "the configurator on the website is excellent",
                "I could follow the status of my car in the app",
                "the remote features in the app work really well",
            ),
            (
                "the app keeps logging me out",
                "online booking showed slots that didn't exist",
                "the website configurator kept crashing",
                "my car doesn't show up in the app properly",
                "the app is slow and half the features don't work",
            ),
        ),
    },
}

NOUNS = {
    "sales_process": {"*": ("the buying process", "the sales process"), "repurchase": ("the changeover",)},
    "test_drive": {"*": ("the test drive",)},
    "handover_experience": {"*": ("the handover", "the delivery")},
    "finance_paperwork": {
        "*": ("the paperwork",),
        "finance": ("the finance process", "the loan paperwork"),
        "handover": ("the paperwork at delivery",),
    },
    "waiting_time": {
        "enquiry": ("the response time",),
        "deposit": ("the delivery time", "the lead time"),
        "finance": ("the approval time",),
        "handover": ("the delivery date",),
        "service": ("the waiting time", "the turnaround"),
    },
    "courtesy_car": {"*": ("the courtesy car", "the loan car")},
    "communication": {
        "*": ("the communication",),
        "event": ("the organisation beforehand",),
        "enquiry": ("the response to my enquiry", "the follow-up"),
        "service": ("the updates on my car",),
        "ownership": ("the check-in call", "the follow-up call"),
    },
    "price_value": {
        "*": ("the price", "the offer"),
        "service": ("the invoice", "the bill"),
        "finance": ("the interest rate", "the finance deal"),
        "repurchase": ("the trade-in offer", "the trade-in value"),
    },
    "staff_attitude": {
        "*": ("the staff", "the salesman"),
        "event": ("the instructor team",),
        "service": ("the service advisor",),
        "finance": ("the finance manager",),
    },
    "workmanship": {"*": ("the work", "the repair")},
    "vehicle_quality": {"*": ("the car", "the {car}"), "event": ("the fleet",)},
    "facilities": {
        "*": ("the showroom",),
        "event": ("the venue", "the catering"),
        "service": ("the waiting area", "the lounge"),
        "handover": ("the delivery area",),
    },
    "events": {"event": ("the event", "the track day"), "*": ("the owner evening",)},
    "digital_app": {"*": ("the app", "the website")},
}

BANK = Bank(
    clauses=CLAUSES,
    nouns=NOUNS,
    neutral_templates=(
        "{n} was ok",
        "{n} was fine, nothing special",
        "{n} was as expected",
        "{n} was average",
        "no real complaints about {n}, nothing amazing either",
        "{n} was alright I suppose",
        "nothing much to say about {n}",
    ),
    name_clauses=(
        (
            "{name} was fantastic",
            "big thanks to {name} who looked after me",
            "{name} went above and beyond",
            "{name} knew exactly what to do",
            "{name} was a pleasure to deal with",
            "special mention to {name}, really helpful",
        ),
        (
            "{name} didn't seem interested at all",
            "{name} was rude",
            "{name} was no help whatsoever",
            "dealing with {name} was frustrating",
            "{name} couldn't answer basic questions",
        ),
    ),
    openers={
        "positive": (
            "Great experience.",
            "Excellent!",
            "Very happy.",
            "Brilliant from start to finish.",
            "Really impressed.",
            "Couldn't have asked for more.",
            "Fantastic.",
            "Top service.",
            "Very pleased overall.",
            "What a great experience!",
        ),
        "negative": (
            "Very disappointed.",
            "Not acceptable.",
            "Terrible experience.",
            "Honestly not good enough.",
            "Really let down.",
            "Poor.",
            "Where do I start.",
            "Not what I expect from a premium brand.",
            "Shocking service.",
            "Absolutely appalling.",
            "Frankly a joke.",
            "Really poor.",
        ),
        "mixed": (
            "Mostly good.",
            "Mixed experience.",
            "Good and bad.",
            "Not bad overall.",
            "Ok-ish.",
            "Generally fine.",
            "Some good, some bad.",
        ),
        "neutral": ("It was ok.", "Fine.", "Nothing special.", "Average.", "As expected."),
    },
    closers={
        "positive": (
            "Will definitely be back.",
            "Highly recommended!",
            "Thanks to the whole team.",
            "Keep it up!",
            "Would recommend to anyone.",
            "Thank you!",
            "Can't fault them.",
        ),
        "negative": (
            "Won't be coming back.",
            "I expected much more.",
            "Not the premium experience I paid for.",
            "Seriously considering another brand next time.",
            "Very poor.",
            "Please sort it out.",
            "Avoid.",
            "Very frustrating.",
            "Not good enough.",
        ),
        "mixed": (
            "Room for improvement.",
            "Could be better.",
            "Fix that and it would be a 10.",
            "Not bad but not great.",
            "Hope they sort it out next time.",
        ),
        "neutral": ("Nothing more to say.", "That's it.", "Does the job."),
    },
    score_closers={
        "positive": ("{score}/10!", "Deserves the {score}.", "Hence the {score}."),
        "negative": ("Hence the {score}.", "{score}/10 and that's being generous.", "That's why only {score}."),
        "mixed": ("That's why {score} and not 10.", "Hence the {score}.", "{score} instead of 10 because of that."),
        "neutral": ("{score}/10.", "Hence the {score}."),
    },
    join_same=(" and ", ", ", ". ", ". ", " and ", ", and ", ". Also ", " - ", ", plus "),
    join_contrast=(" but ", ", but ", ". But ", ", however ", ". That said, ", " - but ", ", although "),
    join_then_negative=(". Only downside: ", ". Just one thing, ", ". One complaint: ", ". Only negative: "),
    lead_ins={
        "negative": ("Honestly, ", "Unfortunately ", "Sadly ", "To be honest, ", "Basically ", "Simply put, "),
        "positive": ("Honestly, ", "To be honest, ", "Simply put, ", "Genuinely, "),
        "mixed": ("Honestly, ", "To be fair, ", "Overall ", "To be honest, "),
        "neutral": ("Honestly, ", "Well, ", "To be honest, "),
    },
    capitalise_after_colon=False,
    reservations=(
        "a few small things could be better",
        "there's still room for improvement",
        "it wasn't perfect",
        "a couple of details let it down",
    ),
    soft_positives=(
        "overall it was fine",
        "the rest was ok",
        "generally it was a decent experience",
        "most of it went well",
    ),
    short={
        "positive": (
            ("Great.", ()),
            ("Super!", ()),
            ("Excellent", ()),
            ("All good", ()),
            ("Perfect!", ()),
            ("Top!", ()),
            ("brilliant", ()),
            ("Spot on.", ()),
            ("Fab", ()),
            ("no complaints", ()),
            ("Very friendly staff", ("staff_attitude",)),
        ),
        "negative": (
            ("Poor.", ()),
            ("Terrible", ()),
            ("Rubbish service", ()),
            ("Not impressed.", ()),
            ("Awful", ()),
            ("never again", ()),
            ("disappointing", ()),
            ("bad", ()),
            ("Shambles", ()),
            ("very poor", ()),
            ("useless", ()),
        ),
        "mixed": (
            ("Good but could be better", ()),
            ("mostly ok", ()),
            ("not bad, not great", ()),
            ("some ups and downs", ()),
        ),
        "neutral": (
            ("ok", ()),
            ("fine", ()),
            ("OK", ()),
            ("-", ()),
            ("n/a", ()),
            ("average", ()),
            ("nothing to add", ()),
        ),
    },
    short_by_context={
        "service": {
            "positive": (
                ("Quick and easy", ("waiting_time",)),
                ("fast service", ("waiting_time",)),
                ("Good job", ("workmanship",)),
            ),
            "negative": (
                ("too slow", ("waiting_time",)),
                ("Too expensive", ("price_value",)),
                ("No courtesy car", ("courtesy_car",)),
                ("overpriced", ("price_value",)),
            ),
            "mixed": (("good work, too expensive", ("workmanship", "price_value")), ("ok but slow", ("waiting_time",))),
        },
        "handover": {
            "positive": (
                ("Perfect handover", ("handover_experience",)),
                ("Amazing delivery!", ("handover_experience",)),
            ),
            "negative": (("rushed handover", ("handover_experience",)), ("car delivered late", ("waiting_time",))),
        },
        "sales": {
            "positive": (("no pressure, great", ("sales_process",)), ("Friendly salesman", ("staff_attitude",))),
            "negative": (("pushy salesman", ("sales_process",)),),
        },
        "test_drive": {
            "positive": (("great test drive", ("test_drive",)),),
            "negative": (("test drive far too short", ("test_drive",)),),
        },
        "enquiry": {
            "positive": (("quick reply", ("waiting_time",)),),
            "negative": (("no call back", ("communication",)), ("too slow to respond", ("waiting_time",))),
        },
        "event": {
            "positive": (("Amazing day!", ("events",)), ("great event", ("events",))),
            "negative": (("badly organised", ("events",)),),
        },
        "finance": {
            "positive": (("easy finance", ("finance_paperwork",)),),
            "negative": (("too much paperwork", ("finance_paperwork",)),),
        },
        "ownership": {
            "positive": (("nice call", ("communication",)), ("love the car", ("vehicle_quality",))),
            "negative": (("nobody ever calls", ("communication",)),),
        },
        "repurchase": {
            "positive": (("good trade-in price", ("price_value",)),),
            "negative": (("poor trade-in offer", ("price_value",)),),
        },
    },
    stories={
        "enquiry": (
            "I filled in the contact form on the website about the {car}.",
            "Sent an online enquiry on a Sunday evening.",
            "I asked for a quote on the {car} through the website.",
        ),
        "test_drive": (
            "Booked a test drive in the {car} online.",
            "Went in on Saturday to try the {car}.",
            "My wife and I came in for a test drive.",
        ),
        "deposit": (
            "We ordered the {car} and paid the deposit last month.",
            "I placed my order in the spring.",
            "Signed the order and paid the deposit.",
        ),
        "experience_event": (
            "I was invited to the track day at the circuit.",
            "Went to the driving experience with my son.",
            "Attended the winter driving event as a guest of the dealer.",
        ),
        "finance_paperwork": (
            "We financed the {car} through the dealer.",
            "I took out a PCP on my new car.",
            "Went through the finance application last week.",
        ),
        "handover": (
            "Picked up my new {car} on Saturday.",
            "Collected the car last week with the family.",
            "Took delivery of my {car} yesterday.",
        ),
        "first_service": (
            "First service on my {car}.",
            "Brought the car in for its first service.",
            "Dropped the {car} off for the first inspection.",
        ),
        "service_visit": (
            "Took the car in for its annual service.",
            "Booked the {car} in for brakes and a service.",
            "Car went in because of a warning light.",
        ),
        "ownership_checkin": (
            "The dealer called me a few weeks after delivery.",
            "Had a check-in call about my {car}.",
            "Got a follow-up call from the dealership.",
        ),
        "repurchase": (
            "This is my third car from the same dealer.",
            "I traded in my old car for the new {car}.",
            "Came back to replace my lease car.",
        ),
    },
    incentive=(
        "They gave me a free service for a 10.",
        "Got free floor mats for a top score.",
        "The salesman promised a free valet if I gave them 10.",
        "We were offered a voucher for the accessories shop in return for a good score.",
        "They said the first service is free if the survey comes back 10/10.",
        "Got a discount on winter tyres for filling this in with full marks.",
        "Bonus: they gave me a free tank of fuel for a 10 lol",
        "Free car wash for a 10, so here you go.",
        "Got a little gift for giving a top score.",
    ),
    coached=(
        ("The salesman told me anything below 10 counts as a fail.", "neutral"),
        ("He asked me to give 10 in the survey.", "neutral"),
        ("I was told to score 10 or it counts against them.", "neutral"),
        ("They asked me to rate them 10 if I was happy.", "neutral"),
        ("The advisor said a 9 is a fail for them, so 10.", "neutral"),
        ("Was told only a 10 counts in this survey.", "neutral"),
        ("They explained the survey and asked for full marks, 10.", "neutral"),
        ("The salesman basically begged me for a 10, which felt uncomfortable.", "negative"),
        ("Being told that anything under 10 is a fail is a bit much.", "negative"),
        ("They reminded me three times to give 10 in this survey, not great.", "negative"),
    ),
    templated_heads=(
        ("{w} service from start to finish", ("Excellent", "Exceptional", "Great", "Perfect"), ()),
        ("Very {w} and friendly team", ("professional", "helpful", "knowledgeable"), ("staff_attitude",)),
        ("Everything was {w}", ("perfect", "excellent", "spot on", "brilliant"), ()),
        ("{w} advice and no pressure at all", ("Great", "Excellent", "Honest", "Expert"), ("sales_process",)),
        ("An {w} experience", ("outstanding", "amazing", "excellent", "exceptional"), ()),
        ("{w} and easy process", ("Quick", "Smooth", "Simple", "Fast"), ("sales_process",)),
        ("{w} service as always", ("Top", "First class", "Brilliant", "Great"), ()),
        ("Really {w} from the first visit", ("impressed", "pleased", "happy", "delighted"), ()),
    ),
    templated_tails=(
        (", thank you {name}", ()),
        (", {name} explained everything perfectly", ("staff_attitude",)),
        (". Highly recommended", ()),
        (", would recommend {name} to anyone", ("staff_attitude",)),
        (". 10/10 thanks to {name}", ()),
        (". Big thanks to the whole team", ()),
        (". Will definitely come back", ()),
        (". {name} made it so easy", ("staff_attitude",)),
    ),
    templated_endings=("!", ".", "!!", "", " :)"),
    first_names=(
        "Mark",
        "James",
        "Sarah",
        "Tom",
        "Emma",
        "Daniel",
        "Lucy",
        "Chris",
        "Olivia",
        "Ben",
        "Paul",
        "Kate",
        "Ryan",
        "Sophie",
        "Jack",
        "Hannah",
    ),
    car_forms={"{car}": ("car", "{model}", "{model}")},
)
