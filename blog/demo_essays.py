"""The demo essays' text: written for this project, about an invented association's work.

Each entry: slug, title, dek, authors (slugs, byline order), tags, days before today (negative:
scheduled in the future; None: a draft), and the Markdown body.
"""

ESSAYS = [
    {
        "slug": "alarm-fatigue-is-a-design-problem",
        "title": "Alarm fatigue is a design problem, not a discipline problem",
        "dek": "When nurses silence monitors, the fault usually lies upstream, in limits nobody "
        "has looked at since installation day.",
        "authors": ["amara-okafor"],
        "tags": ["Alarm management", "Patient safety"],
        "days_ago": 168,
        "body": """\
On a medical ward at one of our hospitals last spring, we counted the alarms that sounded in a
single twelve-hour shift: just over nine hundred, across twenty-eight beds. Fewer than forty
of them needed a clinician to do anything. The rest were noise, and the staff knew it.

It is tempting to treat the response to that noise — alarms turned down, silenced, ignored —
as a training issue. In my experience it almost never is.

## Where the noise comes from

Most of the alarms we counted came from three sources:

1. **Default limits.** Monitors shipped with adult ICU thresholds were deployed on a general
   ward and never adjusted.
2. **Leads-off and signal-quality alerts** that announced themselves at the same priority as
   a dangerous rhythm.
3. **Duplicate notifications**, where the bedside, the central station and a pager all
   reported the same event.

None of these is a nursing decision. All of them are configuration, and configuration belongs
to us as much as to anyone.

## What changed

We formed a small group — two nurses, a physician, a clinical engineer and an informatics
analyst — and gave it one job: review every default on every monitor profile in use. It took
six weeks. Actionable alarms stayed the same; total alarms fell by more than half.

> The quietest ward is not the safest one. The safest ward is the one where every sound
> means something.
>
> — A charge nurse on the pilot ward

Alarm fatigue will not be solved by one committee. But it will not be solved at all while we
describe it as a failure of attention rather than a failure of design.
""",
    },
    {
        "slug": "what-a-water-utility-taught-me-about-ventilators",
        "title": "What a water utility taught me about ventilators",
        "dek": "Systems that run all night without supervision deserve the same humility, "
        "whether they move water or air.",
        "authors": ["tomasz-lindqvist"],
        "tags": ["Medical devices", "Workforce"],
        "days_ago": 150,
        "body": """\
For eight years before I joined a hospital, I wrote control software for pumping stations. The
work was unglamorous and the stakes were quiet: if a station failed at three in the morning, a
town's water pressure dropped, and someone would be woken to fix it.

When I moved into clinical engineering I expected everything to be different. Much of it was.
But the habits that served me at the utility have served me with ventilators too.

## Assume the night shift

Every design review at the utility began with the same question: *what happens when nobody is
watching?* In a hospital, somebody is always watching the patient, but very often nobody is
watching the machine. A ventilator's alarm log, its battery health and its filter history are
read when something goes wrong, not before.

We now pull those logs monthly, on a schedule, and look for slow trends: batteries that take a
little longer to charge, sensors that drift a little further before calibration.

## Respect the boring failures

Dramatic failures are rare and well studied. The failures that hurt are boring: a power strip
that was never meant to carry a ventilator, a humidifier refilled from the wrong bottle, a
software update that reset a setting everyone assumed was permanent.

- Write down the boring failure.
- Tell the people who can prevent it.
- Check, a month later, that it was prevented.

None of this needed a water utility to discover. But it helped to have seen it once before,
somewhere the consequences were smaller.
""",
    },
    {
        "slug": "buying-devices-you-can-patch",
        "title": "Buying devices you can patch",
        "dek": "The cheapest moment to secure a medical device is before the purchase order "
        "is signed. Here is what we now ask every vendor.",
        "authors": ["priya-raman"],
        "tags": ["Cybersecurity", "Procurement"],
        "days_ago": 131,
        "body": """\
Every clinical engineering department I know has a device it cannot patch: an infusion pump
server on an operating system the vendor stopped supporting years ago, or an imaging
workstation nobody is allowed to touch. We inherit these. We do not have to keep buying them.

## The questions, before the contract

At Westmere we added a short security schedule to every request for proposal for networked
equipment. It asks for:

- a **software bill of materials**, updated with each release;
- the vendor's **patch policy**: how quickly they validate operating system updates, and who
  installs them;
- the **end-of-support date** for the current platform, in writing;
- a named contact for **vulnerability disclosure**;
- whether the device can run with **local accounts disabled** and **remote access off by
  default**.

Vendors who answer well are not always the cheapest. They are nearly always cheaper over ten
years.

## Scoring it

We weight the answers alongside clinical and financial criteria, and we publish the weights to
bidders in advance. A simple record of each answer goes into our inventory:

```
device_class: infusion-pump-server
sbom_provided: yes
patch_window_days: 30
end_of_support: 2031-12
remote_access_default: off
```

Nothing here is exotic. The hard part is holding the line when a clinical department loves a
product whose vendor answers none of it. That conversation is easier with a policy than with
an opinion.
""",
    },
    {
        "slug": "the-apprentice-pathway-one-year-on",
        "title": "The apprentice pathway, one year on",
        "dek": "Twelve apprentices, four hospitals and one lesson: mentoring is a job, and it "
        "needs time on the rota.",
        "authors": ["daniel-ferreira", "amara-okafor"],
        "tags": ["Workforce"],
        "days_ago": 117,
        "body": """\
A year ago the association launched its technician apprenticeship with twelve people placed in
four hospitals. Eleven are still with us. We wanted to write down what we have learned while
it is fresh.

## What worked

Pairing each apprentice with a single named mentor worked far better than rotating them
through whoever was on shift. Apprentices said so; so did the mentors, once they had stopped
worrying about the extra work.

Short, real tasks worked too. An apprentice who completes a preventive maintenance check on a
defibrillator in the second week, under supervision, learns more than one who reads the
service manual for a month.

## What did not

We underestimated the time mentoring takes. In the first quarter, two mentors were also
covering on-call, and their apprentices drifted. From the second quarter we put mentoring
hours on the rota, like any other duty.

> You cannot teach someone to troubleshoot while you are troubleshooting.
>
> — Daniel Ferreira, in the six-month review

## Next year

The second cohort starts in the autumn with eighteen places. Mentors will get a half day a
week, protected, and a short course of their own. If you would like to host an apprentice,
write to the workforce committee.
""",
    },
    {
        "slug": "reading-the-new-alarm-standard-without-a-lawyer",
        "title": "Reading the new alarm standard without a lawyer",
        "dek": "Standards are dense for good reasons. A plain-language tour of the parts that "
        "change what clinical engineers do on Monday.",
        "authors": ["amara-okafor", "tomasz-lindqvist"],
        "tags": ["Standards", "Alarm management"],
        "days_ago": 96,
        "body": """\
Standards documents are written to be precise, not to be read on a Friday afternoon. This is
an attempt to translate the parts of the revised alarm guidance that matter to hospital teams.
It is not a substitute for the text.

## Priorities mean something now

The revision is firm that alarm priority must reflect **the urgency of the response**, not the
severity of the underlying condition in the abstract. A technical alarm that needs someone to
reconnect a lead within a minute may deserve a higher priority than a physiological alert that
can wait ten.

For us that means reviewing priority mappings, not just limits.

## Escalation must be documented

Where alarms are forwarded to phones or pagers, the hospital should be able to show:

- who receives each alarm class, and in what order;
- how long before it escalates;
- what happens when the receiving device is offline.

Most of us can answer the first question. Few of us could answer the third without a long
afternoon with the vendor.

## Testing is part of the system

Finally, the revision treats the forwarding chain as part of the alarm system. If a monitor
alarm reaches a phone through two servers and a wireless network, each of those is now in
scope for testing. That is a larger job than it sounds, and it is ours.
""",
    },
    {
        "slug": "a-short-guide-to-battery-care",
        "title": "A short guide to battery care for portable equipment",
        "dek": "Batteries fail slowly and then all at once. A few habits keep them on the slow "
        "side.",
        "authors": ["tomasz-lindqvist"],
        "tags": ["Medical devices", "Patient safety"],
        "days_ago": 82,
        "body": """\
Portable equipment — transport monitors, infusion pumps, suction units — spends its life
between wall sockets. Its batteries are the part most likely to let a patient down, and the
part least likely to be noticed until they do.

## Habits that help

- **Rotate stock.** Equipment at the back of a store room ages its batteries without using
  them. First in, first out applies to pumps as much as to saline.
- **Record capacity, not just pass or fail.** A battery that delivers 70 per cent of its rated
  run time passes most checks. Next year it will not.
- **Charge where it will be used.** Units charged in a cold corridor store less than their
  labels promise.
- **Replace by date as well as by test.** Manufacturers' replacement intervals exist because
  chemistry ages even when capacity looks fine.

## A simple trend

We now record run time at each preventive maintenance visit and flag any unit that loses more
than ten per cent between visits. It takes a minute per device and it has caught three failing
packs this year before a ward did.

None of this is new. All of it is easy to forget.
""",
    },
    {
        "slug": "network-segmentation-for-people-who-fix-things",
        "title": "Network segmentation for people who fix things",
        "dek": "You do not need to become a network engineer. You do need to know which devices "
        "can talk to which, and why.",
        "authors": ["priya-raman"],
        "tags": ["Cybersecurity"],
        "days_ago": 61,
        "body": """\
When our information security team proposed moving every networked medical device into its own
segment, my first reaction was worry: would the pumps still reach the drug library server?
Would the monitors still reach the central station? The answer was yes, but only because we
were in the room when the rules were written.

## Know the conversations

Before any segmentation project, list what each device class needs to talk to:

| Device class | Talks to | Why |
|---|---|---|
| Infusion pumps | Drug library server | Library updates, event logs |
| Patient monitors | Central station | Waveforms, alarms |
| Imaging modalities | PACS, worklist | Images, orders |

Anything not on the list is a question, not an assumption.

## Be there for the testing

Rules that look right on paper fail in interesting ways. A monitor that only contacts its
time server once a week will pass every test on Tuesday and drift by Friday. Clinical
engineers know these habits; network engineers usually do not.

## Keep the list alive

Our list of conversations now lives in the device inventory, next to each model. When a
vendor changes a port in an update, the change goes through the same review as a clinical
configuration change. It slows some updates by a day. It has not yet broken a ward.
""",
    },
    {
        "slug": "what-we-learned-replacing-forty-ultrasound-probes",
        "title": "What we learned replacing forty ultrasound probes",
        "dek": "Cracked lenses and delaminated faces are cheap to spot and expensive to miss.",
        "authors": ["daniel-ferreira"],
        "tags": ["Imaging", "Procurement"],
        "days_ago": 47,
        "body": """\
Last year our hospital replaced forty ultrasound probes, most of them for damage that had been
visible for months before anybody reported it. That is an expensive way to learn to look.

## Look at the face

Hairline cracks, bubbles under the lens and lifting edges are all visible to the naked eye.
We now ask sonographers to inspect the face of each probe at the start of a list and to take
a probe out of service, with a tag, at the first sign of damage.

## Test the elements

A probe with dead elements produces a shadow that experienced users learn to work around,
which is exactly the problem. A simple probe tester at each preventive maintenance visit finds
them before they change a diagnosis.

## Talk about cleaning

Most of the damage we saw came from cleaning: the wrong wipes, probes soaked past the cable
strain relief, or cleaning solutions left to dry on the lens. We wrote a one-page guide with
the infection prevention team and put it on the wall of every room where probes are cleaned.

> A probe costs more than the ultrasound system's annual service contract. Treat it that way.
>
> — Our imaging manager, at the budget meeting

We expect to replace far fewer probes this year. We will report back.
""",
    },
    {
        "slug": "the-case-for-a-shared-device-inventory",
        "title": "The case for a shared device inventory",
        "dek": "Every hospital keeps a list of its equipment. Very few could tell you, in an "
        "afternoon, how many of one model the region owns.",
        "authors": ["priya-raman", "amara-okafor", "tomasz-lindqvist"],
        "tags": ["Standards", "Procurement", "Cybersecurity"],
        "days_ago": 33,
        "body": """\
When a manufacturer issues a safety notice, every hospital in the region begins the same
search: how many of these do we have, where are they, and which software version are they
running? Each does it alone, with its own spreadsheet and its own naming.

We think the association can help.

## A common shape, not a common database

We are not proposing a single system. We are proposing a **shared vocabulary**: the same model
identifiers, the same fields for software version, location and owner, and the same way of
recording end-of-support dates. Each hospital keeps its own inventory. Each can answer the
same question the same way.

## What it would make possible

- Regional answers to safety notices in hours rather than weeks.
- Joint negotiation with vendors on end-of-support dates, with real numbers.
- Honest comparisons of maintenance costs between similar hospitals.

## What we are asking

The standards committee will publish a draft field list for comment this winter. We would like
every member department to try mapping its own inventory to it and tell us where it does not
fit. The places it does not fit are the most useful part.
""",
    },
    {
        "slug": "on-call-without-burning-out",
        "title": "On call without burning out",
        "dek": "Small teams cannot avoid nights and weekends. They can make them fairer and rarer.",
        "authors": ["amara-okafor"],
        "tags": ["Workforce"],
        "days_ago": 12,
        "body": """\
Clinical engineering teams are small, and equipment does not keep office hours. Most of us
take call. Many of us take too much of it, and the people who leave the profession often cite
it first.

## Count the calls

We began by counting every after-hours call for three months and sorting them into three
groups: calls that needed an engineer on site, calls that could have been handled by phone,
and calls that should never have been made. The third group was a quarter of the total.

## Fix the quarter

Most of the unnecessary calls were about the same few things: a bed that would not lower, a
pump showing an error that a nurse could clear, a monitor in the wrong profile. A laminated
card on each ward and a short session with the night coordinators removed most of them.

## Share the rest fairly

For the calls that remain, we publish the rota three months ahead, allow swaps without a
manager's approval, and give a rest morning after any call-out past midnight. None of this
is generous. All of it is overdue.
""",
    },
    {
        "slug": "preparing-for-the-spring-survey",
        "title": "Preparing for the spring accreditation survey",
        "dek": "Surveyors will ask about equipment maintenance. A checklist for the month before "
        "they arrive.",
        "authors": ["priya-raman", "daniel-ferreira"],
        "tags": ["Standards", "Patient safety"],
        # Scheduled: shows the editors how a future date keeps an essay out of sight.
        "days_ago": -5,
        "body": """\
Accreditation surveys rarely find something a department did not already know about. They do
find things a department had not written down.

## The month before

- Reconcile the inventory with what is actually on the wards.
- Close, or explain, every overdue preventive maintenance task.
- Check that each high-risk device class has a written maintenance strategy.
- Make sure the alarm management policy names a current owner.

## On the day

Bring the engineer who did the work, not only the manager who signed it off. Surveyors like to
hear how a task is done from the person who does it.
""",
    },
    {
        "slug": "draft-notes-on-remote-service-access",
        "title": "Notes on remote service access",
        "dek": "Vendors want to connect. How much should we let them, and how do we watch?",
        "authors": ["priya-raman"],
        "tags": ["Cybersecurity"],
        # A draft: only staff can see it, at its preview address.
        "days_ago": None,
        "body": """\
*Draft — for the cybersecurity working group to review before publication.*

Remote service access saves engineer visits and shortens outages. It is also the most common
way into a medical device network that we see in incident reports.

## Points to settle

- Access on request, opened by us, closed after the session.
- Named vendor accounts, never shared ones.
- Session recording for every connection to a clinical system.
""",
    },
]
