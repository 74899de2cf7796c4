import type { GrievanceLodged, GrievanceResolved } from '../../domain/subject/grievance.events.js';

/**
 * The history fields of a grievance fact. The sentence never quotes the subject's own
 * words: the description is personal data, kept sealed with the entry's other personal
 * values and opened into `grievanceDescription` at query time (subject-history.view.ts).
 */
export const grievanceEntry = (event: GrievanceLodged | GrievanceResolved) => {
  if (event.type === 'grievance-lodged') {
    return {
      description:
        `Grievance about ${event.data.category} received via ${event.data.channel}; ` + `to be redressed by ${event.data.dueAt}.`,
      grievanceId: event.data.grievanceId,
      category: event.data.category,
      channel: event.data.channel,
      dueAt: event.data.dueAt,
    };
  }
  return {
    description:
      `Grievance resolved (${event.data.outcome}) ${event.data.resolvedOnTime ? 'on time' : 'late'}; ` +
      `it was due by ${event.data.dueAt}.`,
    grievanceId: event.data.grievanceId,
    outcome: event.data.outcome,
    dueAt: event.data.dueAt,
    resolvedOnTime: event.data.resolvedOnTime,
  };
};
