// Wall-clock time in the studio's IANA zone, whatever zone the browser is in.
//
// EventCalendar only knows "local", "UTC" and fixed offsets, so the calendar is fed floating
// wall-clock strings ("2026-06-10T09:00:00") of the studio's zone, and its Date objects carry that
// wall clock in their local fields. These helpers convert between real instants (what the API
// speaks) and those wall-clock strings, DST included.
(function () {
  "use strict";
  const pad = (n) => String(n).padStart(2, "0");

  function StudioZone(timeZone) {
    const fmt = new Intl.DateTimeFormat("en-US", {
      timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit",
    });
    const fields = (ms) => {
      const out = {};
      for (const part of fmt.formatToParts(new Date(ms))) out[part.type] = part.value;
      return {
        y: +out.year, mo: +out.month, d: +out.day, h: +out.hour % 24, mi: +out.minute, s: +out.second,
      };
    };
    // Minutes the zone is ahead of UTC at instant `ms`.
    const offset = (ms) => {
      const f = fields(ms);
      const wallAsUtc = Date.UTC(f.y, f.mo - 1, f.d, f.h, f.mi, f.s);
      return Math.round((wallAsUtc - Math.floor(ms / 1000) * 1000) / 60000);
    };
    return {
      timeZone,
      offset,
      // Instant (ms or ISO string) -> "YYYY-MM-DDTHH:MM:SS" on the studio's wall clock.
      wall(instant) {
        const ms = typeof instant === "number" ? instant : Date.parse(instant);
        const f = fields(ms);
        return `${f.y}-${pad(f.mo)}-${pad(f.d)}T${pad(f.h)}:${pad(f.mi)}:${pad(f.s)}`;
      },
      // Wall-clock string -> instant in ms. A time that a DST change skips moves forward by the
      // gap (02:30 on a spring-forward night is 03:30), as most calendars do.
      instant(wall) {
        const m = /^(\d{4})-(\d\d)-(\d\d)(?:T(\d\d):(\d\d)(?::(\d\d))?)?/.exec(wall);
        if (!m) return NaN;
        const guess = Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] || 0), +(m[5] || 0), +(m[6] || 0));
        const first = offset(guess);
        let ms = guess - first * 60000;
        const second = offset(ms);
        if (second !== first) ms = guess - second * 60000;
        return ms;
      },
      // The zone's offset right now as "+HH:MM" (the calendar's "now" and "today").
      offsetString(ms) {
        const minutes = offset(ms === undefined ? Date.now() : ms);
        const sign = minutes < 0 ? "-" : "+";
        const abs = Math.abs(minutes);
        return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
      },
    };
  }

  // A Date handed out by EventCalendar -> its wall-clock string (its local fields).
  function wallOfCalendarDate(date) {
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
      `T${pad(date.getHours())}:${pad(date.getMinutes())}:00`;
  }

  // Wall-clock arithmetic on strings (no zone involved): add minutes.
  function addMinutes(wall, minutes) {
    const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)/.exec(wall);
    const t = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]) + minutes * 60000);
    return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}` +
      `T${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:00`;
  }

  window.CalendarZone = { StudioZone, wallOfCalendarDate, addMinutes, pad };
})();
