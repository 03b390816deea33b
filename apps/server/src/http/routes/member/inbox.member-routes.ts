import { InboxPageDto, InboxPageQuery, InboxReadsBody, InboxReadsDto } from "@siyu/contracts";
import type { MemberRoutes } from "./member.plugin";
import { requireMember } from "./member-context";

const tags = ["Member API"];

/** The member's in-app inbox (messages delivered on the inbox channel). */
export const inboxMemberRoutes: MemberRoutes = async (app, { services, memberConfig }) => {
  app.get(
    "/inbox",
    { schema: { querystring: InboxPageQuery, response: { 200: InboxPageDto }, tags, summary: "The member's inbox, newest first, with the unread count" }, config: memberConfig },
    async (req) => {
      const { ctx, profileId } = requireMember(req);
      return services.messaging.inbox.list(ctx, profileId, req.query);
    },
  );
  app.post(
    "/inbox-reads",
    { schema: { body: InboxReadsBody, response: { 200: InboxReadsDto }, tags, summary: "Mark inbox items read (ids not the member's are ignored)" }, config: memberConfig },
    async (req) => {
      const { ctx, profileId } = requireMember(req);
      return services.messaging.inbox.markRead(ctx, profileId, req.body.ids);
    },
  );
};
