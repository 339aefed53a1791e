// Dates as the account sees them: every date on the page is shown in the account's
// time zone (the one the chat and the agent use), never the browser's, so "due
// tomorrow" in the chat is tomorrow in the task panel too.

const END_OF_DAY = "23:59";

function parts(date, timeZone) {
  const fields = {};
  for (const { type, value } of new Intl.DateTimeFormat("en-GB", {
    timeZone, year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).formatToParts(date)) fields[type] = value;
  return fields;
}

// Whole days from `from` to `to`, counted on the zone's calendar.
function dayDifference(from, to, timeZone) {
  const day = (date) => {
    const { year, month, day: d } = parts(date, timeZone);
    return Date.UTC(Number(year), Number(month) - 1, Number(d));
  };
  return Math.round((day(to) - day(from)) / 86_400_000);
}

export class DateFormat {
  constructor(timeZone) {
    this.timeZone = timeZone || "UTC";
  }

  // A due date: "today 17:00", "tomorrow", "Wed 25 Nov", "Wed 25 Nov 2027, 09:30";
  // a date without a time (due at the end of the day) shows no time.
  due(iso, now = new Date()) {
    if (!iso) return "";
    const date = new Date(iso);
    const { hour, minute, year } = parts(date, this.timeZone);
    const time = `${hour}:${minute}`;
    const clock = time === END_OF_DAY ? "" : time;
    const days = dayDifference(now, date, this.timeZone);
    const near = { "-1": "yesterday", 0: "today", 1: "tomorrow" }[days];
    if (near) return [near, clock].filter(Boolean).join(" ");
    const sameYear = year === parts(now, this.timeZone).year;
    const day = date.toLocaleDateString("en-GB", {
      timeZone: this.timeZone, weekday: "short", day: "numeric", month: "short",
      year: sameYear ? undefined : "numeric",
    });
    return clock ? `${day}, ${clock}` : day;
  }

  // The calendar day of a moment in this zone, as "2026-11-25" (sorts as text).
  dayKey(moment) {
    const { year, month, day } = parts(new Date(moment), this.timeZone);
    return `${year}-${month}-${day}`;
  }

  // A moment as a date-time field's value in this zone: "2026-11-25T17:00".
  localInput(iso) {
    if (!iso) return "";
    const { year, month, day, hour, minute } = parts(new Date(iso), this.timeZone);
    return `${year}-${month}-${day}T${hour}:${minute}`;
  }

  // A date-time field's value ("2026-11-25T17:00", read in this zone) as an ISO moment.
  fromLocalInput(value) {
    const [date, time] = value.split("T");
    const [year, month, day] = date.split("-").map(Number);
    const [hour, minute] = time.split(":").map(Number);
    const wanted = Date.UTC(year, month - 1, day, hour, minute);
    // The zone's offset at that moment: guess, then correct once (enough across a DST
    // change, where the guess can be an hour out).
    let moment = wanted;
    for (let round = 0; round < 2; round += 1) {
      const seen = parts(new Date(moment), this.timeZone);
      const shown = Date.UTC(Number(seen.year), Number(seen.month) - 1, Number(seen.day),
        Number(seen.hour), Number(seen.minute));
      moment += wanted - shown;
    }
    return new Date(moment).toISOString();
  }

  // When a message was sent: "14:05" today, "yesterday 14:05", "Mon 23 Nov, 14:05".
  sent(iso, now = new Date()) {
    const date = new Date(iso);
    const { hour, minute } = parts(date, this.timeZone);
    const time = `${hour}:${minute}`;
    const days = dayDifference(now, date, this.timeZone);
    if (days === 0) return time;
    if (days === -1) return `yesterday ${time}`;
    const sameYear = parts(date, this.timeZone).year === parts(now, this.timeZone).year;
    const day = date.toLocaleDateString("en-GB", {
      timeZone: this.timeZone, weekday: "short", day: "numeric", month: "short",
      year: sameYear ? undefined : "numeric",
    });
    return `${day}, ${time}`;
  }

  // A moment in full, with the zone: "Monday 23 November 2026, 14:05 (Asia/Tokyo)".
  full(iso) {
    const text = new Date(iso).toLocaleString("en-GB", {
      timeZone: this.timeZone, weekday: "long", day: "numeric", month: "long", year: "numeric",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    });
    return `${text} (${this.timeZone})`;
  }

  // A calendar day: "25 Nov 2026".
  day(iso) {
    if (!iso) return "";
    return new Date(iso).toLocaleDateString("en-GB", {
      timeZone: this.timeZone, day: "numeric", month: "short", year: "numeric",
    });
  }
}

// The zones the browser knows, for the settings panel's list.
export function knownTimeZones() {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return ["UTC"];
  }
}

// The signed-in account's formatter, shared by every part of the page; `useTimeZone`
// replaces it when the account is loaded or its zone is changed.
export let accountDates = new DateFormat("UTC");

export function useTimeZone(timeZone) {
  accountDates = new DateFormat(timeZone);
}
