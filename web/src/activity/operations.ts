/** Something that happened in the organization, as `organizationEvents` sends it. */
export interface OrganizationEvent {
  cursor: string;
  action: string;
  actorKind: string;
  actorId: string | null;
  targetType: string | null;
  targetId: string | null;
  result: string;
  createdAt: string;
}

/** The most events the feed keeps; older ones drop off the end. */
export const ACTIVITY_FEED_LIMIT = 200;

/** Plain text: the feed subscribes through graphql-ws itself (see useOrganizationEvents). */
export const ORGANIZATION_EVENTS_SOURCE = `
  subscription OrganizationEvents($after: String) {
    organizationEvents(after: $after) {
      cursor action actorKind actorId targetType targetId result createdAt
    }
  }
`;
