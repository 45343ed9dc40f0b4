/**
 * The template catalog: for every notification type its category, default channels, push options, deep
 * link and texts in English, Arabic and Hindi. Texts carry {placeholders} filled from the notification's
 * data; a placeholder without a value is a programming error (templates.unit.test.ts renders them all).
 */
import type { Channel, NotificationData, NotificationType } from "./schema.js";

export type Category = "social" | "live" | "money" | "account" | "system";
export const LANGUAGES = ["en", "ar", "hi"] as const;
export type Language = (typeof LANGUAGES)[number];

interface Text {
  title: string;
  body: string;
}

/** Plural forms by Intl.PluralRules category; "other" is required, the language's rules pick the rest. */
type PluralText = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

interface AggregatedText {
  title: string;
  /** Placeholders: {actorName}, {others} (how many besides the named actor). */
  body: PluralText;
}

export interface NotificationTemplate {
  category: Category;
  /** The channels used when the user has not switched one off; the inbox is always among them. */
  channels: readonly Channel[];
  /** collapseParam: a data field appended to the collapse key, so each conversation (say) collapses on its own. */
  push: { priority: "high" | "normal"; collapseKey?: string; collapseParam?: string };
  /** Critical notices ignore quiet hours and the per-user push rate. */
  critical: boolean;
  /** Events within the window are summed into one inbox entry and one summary push; actorParam names the actor. */
  aggregate?: { windowSeconds: number; actorParam: string };
  /** The data fields the texts and the deep link use; notify() callers must supply them. */
  params: readonly string[];
  deepLink: string;
  texts: Record<Language, Text>;
  aggregated?: Record<Language, AggregatedText>;
}

const INBOX_PUSH: readonly Channel[] = ["inbox", "push"];
const ALL_CHANNELS: readonly Channel[] = ["inbox", "push", "email"];
const NORMAL = { priority: "normal" } as const;
const HIGH = { priority: "high" } as const;

export const TEMPLATES: Record<NotificationType, NotificationTemplate> = {
  follow: {
    category: "social",
    channels: INBOX_PUSH,
    push: NORMAL,
    critical: false,
    params: ["followerName", "followerUid"],
    deepLink: "app://profile/{followerUid}",
    texts: {
      en: { title: "New follower", body: "{followerName} started following you" },
      ar: { title: "متابع جديد", body: "بدأ {followerName} بمتابعتك" },
      hi: { title: "नया फ़ॉलोअर", body: "{followerName} ने आपको फ़ॉलो करना शुरू किया" },
    },
  },
  "gift-received": {
    category: "social",
    channels: INBOX_PUSH,
    push: NORMAL,
    critical: false,
    aggregate: { windowSeconds: 300, actorParam: "senderName" },
    params: ["senderName", "giftName"],
    deepLink: "app://wallet/gifts",
    texts: {
      en: { title: "You received a gift", body: "{senderName} sent you {giftName}" },
      ar: { title: "لقد تلقيت هدية", body: "أرسل لك {senderName} {giftName}" },
      hi: { title: "आपको एक उपहार मिला", body: "{senderName} ने आपको {giftName} भेजा" },
    },
    aggregated: {
      en: {
        title: "You received gifts",
        body: { one: "{actorName} and 1 other sent you gifts", other: "{actorName} and {others} others sent you gifts" },
      },
      ar: {
        title: "لقد تلقيت هدايا",
        body: {
          one: "{actorName} وشخص آخر أرسلوا لك هدايا",
          two: "{actorName} وشخصان آخران أرسلوا لك هدايا",
          few: "{actorName} و{others} أشخاص آخرين أرسلوا لك هدايا",
          many: "{actorName} و{others} شخصًا آخر أرسلوا لك هدايا",
          other: "{actorName} و{others} شخص آخر أرسلوا لك هدايا",
        },
      },
      hi: {
        title: "आपको उपहार मिले",
        body: { one: "{actorName} और 1 अन्य ने आपको उपहार भेजे", other: "{actorName} और {others} अन्य ने आपको उपहार भेजे" },
      },
    },
  },
  "go-live": {
    category: "live",
    channels: INBOX_PUSH,
    push: { priority: "high", collapseKey: "go-live" },
    critical: false,
    params: ["hostName", "streamId"],
    deepLink: "app://stream/{streamId}",
    texts: {
      en: { title: "{hostName} is live", body: "{hostName} just went live. Join now!" },
      ar: { title: "{hostName} في بث مباشر", body: "بدأ {hostName} بثًا مباشرًا للتو. انضم الآن!" },
      hi: { title: "{hostName} लाइव है", body: "{hostName} अभी लाइव हुए हैं। अभी जुड़ें!" },
    },
  },
  "pk-challenge": {
    category: "live",
    channels: INBOX_PUSH,
    push: { priority: "high", collapseKey: "pk" },
    critical: false,
    params: ["challengerName", "battleId"],
    deepLink: "app://pk/{battleId}",
    texts: {
      en: { title: "PK challenge", body: "{challengerName} challenged you to a PK battle" },
      ar: { title: "تحدي PK", body: "تحداك {challengerName} في معركة PK" },
      hi: { title: "PK चुनौती", body: "{challengerName} ने आपको PK मुकाबले की चुनौती दी" },
    },
  },
  "pk-result": {
    category: "live",
    channels: INBOX_PUSH,
    push: { priority: "normal", collapseKey: "pk" },
    critical: false,
    params: ["opponentName", "score", "opponentScore", "battleId"],
    deepLink: "app://pk/{battleId}",
    texts: {
      en: { title: "PK battle over", body: "Your PK battle against {opponentName} ended {score} to {opponentScore}" },
      ar: { title: "انتهت معركة PK", body: "انتهت معركتك ضد {opponentName} بنتيجة {score} مقابل {opponentScore}" },
      hi: { title: "PK मुकाबला समाप्त", body: "{opponentName} के विरुद्ध आपका PK मुकाबला {score} - {opponentScore} पर समाप्त हुआ" },
    },
  },
  "guest-invite": {
    category: "live",
    channels: INBOX_PUSH,
    push: HIGH,
    critical: false,
    params: ["hostName", "streamId"],
    deepLink: "app://stream/{streamId}",
    texts: {
      en: { title: "Guest invitation", body: "{hostName} invites you to join their live stream as a guest" },
      ar: { title: "دعوة ضيف", body: "يدعوك {hostName} للانضمام إلى بثه المباشر كضيف" },
      hi: { title: "अतिथि आमंत्रण", body: "{hostName} आपको अपनी लाइव स्ट्रीम में अतिथि के रूप में आमंत्रित करते हैं" },
    },
  },
  "seat-invite": {
    category: "live",
    channels: INBOX_PUSH,
    push: HIGH,
    critical: false,
    params: ["inviterName", "roomName", "roomId"],
    deepLink: "app://room/{roomId}",
    texts: {
      en: { title: "Seat invitation", body: "{inviterName} invites you to a seat in {roomName}" },
      ar: { title: "دعوة إلى مقعد", body: "يدعوك {inviterName} إلى مقعد في {roomName}" },
      hi: { title: "सीट आमंत्रण", body: "{inviterName} आपको {roomName} में एक सीट पर आमंत्रित करते हैं" },
    },
  },
  "level-up": {
    category: "social",
    channels: INBOX_PUSH,
    push: NORMAL,
    critical: false,
    params: ["level"],
    deepLink: "app://profile/me/level",
    texts: {
      en: { title: "Level up!", body: "Congratulations, you reached level {level}" },
      ar: { title: "ارتقاء في المستوى!", body: "تهانينا، لقد وصلت إلى المستوى {level}" },
      hi: { title: "लेवल अप!", body: "बधाई हो, आप लेवल {level} पर पहुँच गए" },
    },
  },
  "badge-earned": {
    category: "social",
    channels: INBOX_PUSH,
    push: NORMAL,
    critical: false,
    params: ["badgeName", "badgeId"],
    deepLink: "app://profile/me/badges/{badgeId}",
    texts: {
      en: { title: "New badge", body: "You earned the {badgeName} badge" },
      ar: { title: "شارة جديدة", body: "لقد حصلت على شارة {badgeName}" },
      hi: { title: "नया बैज", body: "आपने {badgeName} बैज अर्जित किया" },
    },
  },
  "vip-expiring": {
    category: "money",
    channels: ALL_CHANNELS,
    push: NORMAL,
    critical: false,
    params: ["tier", "expiresOn"],
    deepLink: "app://vip",
    texts: {
      en: { title: "VIP expiring soon", body: "Your VIP {tier} membership expires on {expiresOn}" },
      ar: { title: "عضوية VIP تنتهي قريبًا", body: "تنتهي عضويتك VIP {tier} في {expiresOn}" },
      hi: { title: "VIP जल्द समाप्त हो रहा है", body: "आपकी VIP {tier} सदस्यता {expiresOn} को समाप्त हो रही है" },
    },
  },
  "vip-expired": {
    category: "money",
    channels: ALL_CHANNELS,
    push: NORMAL,
    critical: false,
    params: ["tierName"],
    deepLink: "app://vip",
    texts: {
      en: { title: "VIP membership ended", body: "Your VIP {tierName} membership has ended. Renew it to keep your privileges." },
      ar: { title: "انتهت عضوية VIP", body: "انتهت عضويتك VIP {tierName}. جدّدها للاحتفاظ بمزاياك." },
      hi: { title: "VIP सदस्यता समाप्त", body: "आपकी VIP {tierName} सदस्यता समाप्त हो गई है। अपने विशेषाधिकार बनाए रखने के लिए इसे नवीनीकृत करें।" },
    },
  },
  "withdrawal-approved": {
    category: "money",
    channels: ALL_CHANNELS,
    push: NORMAL,
    critical: false,
    params: ["amount", "withdrawalId"],
    deepLink: "app://wallet/withdrawals/{withdrawalId}",
    texts: {
      en: { title: "Withdrawal approved", body: "Your withdrawal of {amount} was approved" },
      ar: { title: "تمت الموافقة على السحب", body: "تمت الموافقة على طلب سحب {amount}" },
      hi: { title: "निकासी स्वीकृत", body: "आपकी {amount} की निकासी स्वीकृत हो गई" },
    },
  },
  "withdrawal-rejected": {
    category: "money",
    channels: ALL_CHANNELS,
    push: NORMAL,
    critical: false,
    params: ["amount", "withdrawalId"],
    deepLink: "app://wallet/withdrawals/{withdrawalId}",
    texts: {
      en: { title: "Withdrawal rejected", body: "Your withdrawal of {amount} was rejected. Open the app for details." },
      ar: { title: "تم رفض السحب", body: "تم رفض طلب سحب {amount}. افتح التطبيق لمعرفة التفاصيل." },
      hi: { title: "निकासी अस्वीकृत", body: "आपकी {amount} की निकासी अस्वीकृत हो गई। विवरण के लिए ऐप खोलें।" },
    },
  },
  "withdrawal-paid": {
    category: "money",
    channels: ALL_CHANNELS,
    push: NORMAL,
    critical: false,
    params: ["amount", "withdrawalId"],
    deepLink: "app://wallet/withdrawals/{withdrawalId}",
    texts: {
      en: { title: "Withdrawal paid", body: "Your withdrawal of {amount} has been paid" },
      ar: { title: "تم دفع السحب", body: "تم دفع مبلغ السحب {amount}" },
      hi: { title: "निकासी का भुगतान हुआ", body: "आपकी {amount} की निकासी का भुगतान कर दिया गया है" },
    },
  },
  "kyc-approved": {
    category: "account",
    channels: ALL_CHANNELS,
    push: NORMAL,
    critical: false,
    params: [],
    deepLink: "app://account/verification",
    texts: {
      en: { title: "Identity verified", body: "Your identity verification was approved" },
      ar: { title: "تم التحقق من الهوية", body: "تمت الموافقة على التحقق من هويتك" },
      hi: { title: "पहचान सत्यापित", body: "आपकी पहचान का सत्यापन स्वीकृत हो गया" },
    },
  },
  "kyc-rejected": {
    category: "account",
    channels: ALL_CHANNELS,
    push: NORMAL,
    critical: false,
    params: [],
    deepLink: "app://account/verification",
    texts: {
      en: { title: "Verification not approved", body: "Your identity verification was not approved. Open the app to try again." },
      ar: { title: "لم تتم الموافقة على التحقق", body: "لم تتم الموافقة على التحقق من هويتك. افتح التطبيق للمحاولة مرة أخرى." },
      hi: { title: "सत्यापन स्वीकृत नहीं हुआ", body: "आपकी पहचान का सत्यापन स्वीकृत नहीं हुआ। फिर से प्रयास करने के लिए ऐप खोलें।" },
    },
  },
  "account-suspended": {
    category: "account",
    channels: ALL_CHANNELS,
    push: HIGH,
    critical: true,
    params: ["until"],
    deepLink: "app://account/status",
    texts: {
      en: { title: "Account suspended", body: "Your account is suspended until {until}" },
      ar: { title: "تم تعليق الحساب", body: "تم تعليق حسابك حتى {until}" },
      hi: { title: "खाता निलंबित", body: "आपका खाता {until} तक निलंबित है" },
    },
  },
  "account-banned": {
    category: "account",
    channels: ALL_CHANNELS,
    push: HIGH,
    critical: true,
    params: [],
    deepLink: "app://account/status",
    texts: {
      en: { title: "Account banned", body: "Your account has been banned for violating the community guidelines" },
      ar: { title: "تم حظر الحساب", body: "تم حظر حسابك لمخالفته إرشادات المجتمع" },
      hi: { title: "खाता प्रतिबंधित", body: "सामुदायिक दिशानिर्देशों के उल्लंघन के कारण आपका खाता प्रतिबंधित कर दिया गया है" },
    },
  },
  "new-device": {
    category: "account",
    channels: ALL_CHANNELS,
    push: HIGH,
    critical: true,
    params: ["deviceName"],
    deepLink: "app://account/devices",
    texts: {
      en: { title: "New sign-in", body: "Your account was signed in on {deviceName}. If this wasn't you, secure your account now." },
      ar: { title: "تسجيل دخول جديد", body: "تم تسجيل الدخول إلى حسابك على {deviceName}. إذا لم تكن أنت، فأمّن حسابك الآن." },
      hi: { title: "नया साइन-इन", body: "आपके खाते में {deviceName} पर साइन इन किया गया। अगर यह आप नहीं थे, तो अभी अपना खाता सुरक्षित करें।" },
    },
  },
  announcement: {
    category: "system",
    channels: INBOX_PUSH,
    push: NORMAL,
    critical: false,
    params: ["headline", "message", "announcementId"],
    deepLink: "app://announcements/{announcementId}",
    texts: {
      en: { title: "{headline}", body: "{message}" },
      ar: { title: "{headline}", body: "{message}" },
      hi: { title: "{headline}", body: "{message}" },
    },
  },
  "post-mention": {
    category: "social",
    channels: INBOX_PUSH,
    push: NORMAL,
    critical: false,
    params: ["authorName", "postId"],
    deepLink: "app://post/{postId}",
    texts: {
      en: { title: "You were mentioned", body: "{authorName} mentioned you in a post" },
      ar: { title: "تمت الإشارة إليك", body: "أشار إليك {authorName} في منشور" },
      hi: { title: "आपका उल्लेख किया गया", body: "{authorName} ने एक पोस्ट में आपका उल्लेख किया" },
    },
  },
  "post-like": {
    category: "social",
    channels: INBOX_PUSH,
    push: NORMAL,
    critical: false,
    // The same type covers likes of a post and of a comment on it, so the text names neither.
    params: ["likerName", "postId"],
    deepLink: "app://post/{postId}",
    texts: {
      en: { title: "New like", body: "{likerName} liked what you posted" },
      ar: { title: "إعجاب جديد", body: "أعجب {likerName} بما نشرته" },
      hi: { title: "नई पसंद", body: "{likerName} ने आपकी पोस्ट या टिप्पणी को पसंद किया" },
    },
  },
  "post-comment": {
    category: "social",
    channels: INBOX_PUSH,
    push: NORMAL,
    critical: false,
    params: ["commenterName", "postId"],
    deepLink: "app://post/{postId}",
    texts: {
      en: { title: "New comment", body: "{commenterName} commented on your post" },
      ar: { title: "تعليق جديد", body: "علّق {commenterName} على منشورك" },
      hi: { title: "नई टिप्पणी", body: "{commenterName} ने आपकी पोस्ट पर टिप्पणी की" },
    },
  },
  "comment-reply": {
    category: "social",
    channels: INBOX_PUSH,
    push: NORMAL,
    critical: false,
    params: ["commenterName", "postId"],
    deepLink: "app://post/{postId}",
    texts: {
      en: { title: "New reply", body: "{commenterName} replied to your comment" },
      ar: { title: "رد جديد", body: "ردّ {commenterName} على تعليقك" },
      hi: { title: "नया जवाब", body: "{commenterName} ने आपकी टिप्पणी का जवाब दिया" },
    },
  },
  "content-removed": {
    category: "social",
    channels: ALL_CHANNELS,
    push: NORMAL,
    critical: false,
    // A post or a comment: "something you posted" covers both.
    params: ["reason", "postId"],
    deepLink: "app://post/{postId}",
    texts: {
      en: { title: "Content removed", body: "Something you posted was removed by a moderator: {reason}" },
      ar: { title: "تمت إزالة محتوى", body: "أزال أحد المشرفين شيئًا نشرته: {reason}" },
      hi: { title: "सामग्री हटाई गई", body: "एक मॉडरेटर ने आपकी पोस्ट की गई सामग्री हटा दी: {reason}" },
    },
  },
  "story-reply": {
    category: "social",
    channels: INBOX_PUSH,
    push: NORMAL,
    critical: false,
    params: ["replierName", "storyId"],
    deepLink: "app://story/{storyId}",
    texts: {
      en: { title: "Story reply", body: "{replierName} replied to your story" },
      ar: { title: "رد على قصتك", body: "ردّ {replierName} على قصتك" },
      hi: { title: "स्टोरी पर जवाब", body: "{replierName} ने आपकी स्टोरी का जवाब दिया" },
    },
  },
  "dm-message": {
    category: "social",
    channels: INBOX_PUSH,
    push: { priority: "high", collapseKey: "dm", collapseParam: "conversationId" },
    critical: false,
    params: ["senderName", "preview", "conversationId"],
    deepLink: "app://messages/{conversationId}",
    texts: {
      en: { title: "{senderName}", body: "{preview}" },
      ar: { title: "{senderName}", body: "{preview}" },
      hi: { title: "{senderName}", body: "{preview}" },
    },
  },
  "ranking-reward": {
    category: "social",
    channels: INBOX_PUSH,
    push: NORMAL,
    critical: false,
    params: ["rank", "board", "periodKey", "snapshotId"],
    deepLink: "app://rankings/history/{snapshotId}",
    texts: {
      en: { title: "You ranked #{rank}!", body: "You finished #{rank} on the {board} board for {periodKey}: your reward is in your account" },
      ar: { title: "لقد حللت في المركز #{rank}!", body: "أنهيت في المركز #{rank} في لوحة {board} لفترة {periodKey}: مكافأتك في حسابك" },
      hi: { title: "आप #{rank} पर रहे!", body: "आप {periodKey} के लिए {board} बोर्ड पर #{rank} पर रहे: आपका इनाम आपके खाते में है" },
    },
  },
  // agencies
  "agency-approved": {
    category: "account",
    channels: INBOX_PUSH,
    push: NORMAL,
    critical: false,
    params: ["agencyName", "agencyId"],
    deepLink: "app://agency/{agencyId}",
    texts: {
      en: { title: "Agency approved", body: "Your agency {agencyName} is approved and open" },
      ar: { title: "تمت الموافقة على الوكالة", body: "تمت الموافقة على وكالتك {agencyName} وهي مفتوحة الآن" },
      hi: { title: "एजेंसी स्वीकृत", body: "आपकी एजेंसी {agencyName} स्वीकृत हो गई है और खुल गई है" },
    },
  },
  "agency-rejected": {
    category: "account",
    channels: INBOX_PUSH,
    push: NORMAL,
    critical: false,
    params: ["agencyName", "agencyId"],
    deepLink: "app://agency/{agencyId}",
    texts: {
      en: { title: "Agency not approved", body: "Your application for {agencyName} was not approved" },
      ar: { title: "لم تتم الموافقة على الوكالة", body: "لم تتم الموافقة على طلبك لوكالة {agencyName}" },
      hi: { title: "एजेंसी स्वीकृत नहीं हुई", body: "{agencyName} के लिए आपका आवेदन स्वीकृत नहीं हुआ" },
    },
  },
  "agency-invitation": {
    category: "account",
    channels: INBOX_PUSH,
    push: HIGH,
    critical: false,
    params: ["agencyName", "agencyId"],
    deepLink: "app://agency/{agencyId}/invitation",
    texts: {
      en: { title: "Agency invitation", body: "{agencyName} invites you to join as a host" },
      ar: { title: "دعوة من وكالة", body: "تدعوك {agencyName} للانضمام كمضيف" },
      hi: { title: "एजेंसी आमंत्रण", body: "{agencyName} आपको होस्ट के रूप में जुड़ने के लिए आमंत्रित करती है" },
    },
  },
  "agency-application": {
    category: "account",
    channels: INBOX_PUSH,
    push: NORMAL,
    critical: false,
    params: ["agencyName", "agencyId", "uid"],
    deepLink: "app://agency/{agencyId}/requests/{uid}",
    texts: {
      en: { title: "New application", body: "A host applied to join {agencyName}" },
      ar: { title: "طلب انضمام جديد", body: "تقدّم مضيف بطلب للانضمام إلى {agencyName}" },
      hi: { title: "नया आवेदन", body: "एक होस्ट ने {agencyName} से जुड़ने के लिए आवेदन किया" },
    },
  },
  "agency-request-accepted": {
    category: "account",
    channels: INBOX_PUSH,
    push: NORMAL,
    critical: false,
    params: ["agencyName", "agencyId"],
    deepLink: "app://agency/{agencyId}",
    texts: {
      en: { title: "Welcome to {agencyName}", body: "The request to join {agencyName} was accepted" },
      ar: { title: "مرحبًا بك في {agencyName}", body: "تم قبول طلب الانضمام إلى {agencyName}" },
      hi: { title: "{agencyName} में स्वागत है", body: "{agencyName} से जुड़ने का अनुरोध स्वीकार कर लिया गया" },
    },
  },
  "agency-request-declined": {
    category: "account",
    channels: INBOX_PUSH,
    push: NORMAL,
    critical: false,
    params: ["agencyName", "agencyId"],
    deepLink: "app://agency/{agencyId}",
    texts: {
      en: { title: "Request declined", body: "The request to join {agencyName} was declined" },
      ar: { title: "تم رفض الطلب", body: "تم رفض طلب الانضمام إلى {agencyName}" },
      hi: { title: "अनुरोध अस्वीकृत", body: "{agencyName} से जुड़ने का अनुरोध अस्वीकार कर दिया गया" },
    },
  },
  "agency-member-removed": {
    category: "account",
    channels: INBOX_PUSH,
    push: NORMAL,
    critical: false,
    params: ["agencyName", "agencyId"],
    deepLink: "app://agency/{agencyId}",
    texts: {
      en: { title: "Removed from agency", body: "You are no longer a member of {agencyName}" },
      ar: { title: "تمت إزالتك من الوكالة", body: "لم تعد عضوًا في {agencyName}" },
      hi: { title: "एजेंसी से हटाया गया", body: "अब आप {agencyName} के सदस्य नहीं हैं" },
    },
  },
  "agency-deleted": {
    category: "account",
    channels: INBOX_PUSH,
    push: NORMAL,
    critical: false,
    params: ["agencyName", "agencyId"],
    deepLink: "app://agency/{agencyId}",
    texts: {
      en: { title: "Agency closed", body: "{agencyName} has closed; your earnings up to the last period are settled" },
      ar: { title: "أُغلقت الوكالة", body: "أُغلقت {agencyName}؛ وتمت تسوية أرباحك حتى الفترة الأخيرة" },
      hi: { title: "एजेंसी बंद", body: "{agencyName} बंद हो गई है; पिछली अवधि तक की आपकी कमाई का निपटान हो गया है" },
    },
  },
  "agency-announcement": {
    category: "account",
    channels: INBOX_PUSH,
    push: NORMAL,
    critical: false,
    params: ["agencyName", "message", "agencyId"],
    deepLink: "app://agency/{agencyId}",
    texts: {
      en: { title: "{agencyName}", body: "{message}" },
      ar: { title: "{agencyName}", body: "{message}" },
      hi: { title: "{agencyName}", body: "{message}" },
    },
  },
  // campaigns
  "campaign-tier-reached": {
    category: "social",
    channels: INBOX_PUSH,
    push: NORMAL,
    critical: false,
    params: ["campaignTitle", "campaignId", "tier"],
    deepLink: "app://campaigns/{campaignId}",
    texts: {
      en: { title: "Reward unlocked", body: "You reached tier {tier} of {campaignTitle}: claim your reward" },
      ar: { title: "مكافأة متاحة", body: "وصلت إلى المستوى {tier} في {campaignTitle}: اطلب مكافأتك" },
      hi: { title: "इनाम अनलॉक", body: "आप {campaignTitle} के टियर {tier} तक पहुँच गए: अपना इनाम लें" },
    },
  },
  // admin: moderation
  "moderation-warning": {
    category: "account",
    channels: ALL_CHANNELS,
    push: HIGH,
    critical: true,
    params: ["reason"],
    deepLink: "app://account/status",
    texts: {
      en: { title: "Warning from a moderator", body: "A moderator warned you: {reason}. Repeated violations lead to suspension." },
      ar: { title: "تحذير من مشرف", body: "حذّرك أحد المشرفين: {reason}. تكرار المخالفات يؤدي إلى تعليق الحساب." },
      hi: { title: "मॉडरेटर की चेतावनी", body: "एक मॉडरेटर ने आपको चेतावनी दी: {reason}। बार-बार उल्लंघन पर खाता निलंबित होगा।" },
    },
  },
  "moderation-muted": {
    category: "account",
    channels: ALL_CHANNELS,
    push: HIGH,
    critical: true,
    params: ["until", "reason"],
    deepLink: "app://account/status",
    texts: {
      en: { title: "Chat muted", body: "You cannot chat until {until}: {reason}" },
      ar: { title: "تم كتم الدردشة", body: "لا يمكنك الدردشة حتى {until}: {reason}" },
      hi: { title: "चैट म्यूट", body: "आप {until} तक चैट नहीं कर सकते: {reason}" },
    },
  },
  "moderation-content-removed": {
    category: "account",
    channels: ALL_CHANNELS,
    push: NORMAL,
    critical: false,
    params: ["reason"],
    deepLink: "app://account/status",
    texts: {
      en: { title: "Message removed", body: "A moderator removed your message: {reason}" },
      ar: { title: "تمت إزالة رسالة", body: "أزال أحد المشرفين رسالتك: {reason}" },
      hi: { title: "संदेश हटाया गया", body: "एक मॉडरेटर ने आपका संदेश हटा दिया: {reason}" },
    },
  },
  "appeal-upheld": {
    category: "account",
    channels: ALL_CHANNELS,
    push: NORMAL,
    critical: true,
    params: ["reason"],
    deepLink: "app://account/status",
    texts: {
      en: { title: "Appeal reviewed", body: "Your appeal was reviewed and the decision stands: {reason}" },
      ar: { title: "تمت مراجعة الطعن", body: "تمت مراجعة طعنك وبقي القرار كما هو: {reason}" },
      hi: { title: "अपील की समीक्षा हुई", body: "आपकी अपील की समीक्षा हुई और निर्णय बना रहेगा: {reason}" },
    },
  },
  "appeal-overturned": {
    category: "account",
    channels: ALL_CHANNELS,
    push: HIGH,
    critical: true,
    params: ["reason"],
    deepLink: "app://account/status",
    texts: {
      en: { title: "Appeal accepted", body: "Your appeal was accepted and the sanction lifted: {reason}" },
      ar: { title: "تم قبول الطعن", body: "تم قبول طعنك ورفع العقوبة: {reason}" },
      hi: { title: "अपील स्वीकार", body: "आपकी अपील स्वीकार हुई और प्रतिबंध हटा दिया गया: {reason}" },
    },
  },
  // live monitoring (operations staff)
  "stream-ended-by-staff": {
    category: "live",
    channels: INBOX_PUSH,
    push: HIGH,
    critical: true,
    params: ["streamId", "reason"],
    deepLink: "app://stream/{streamId}",
    texts: {
      en: { title: "Your stream was ended", body: "A moderator ended your live stream: {reason}" },
      ar: { title: "تم إنهاء بثك", body: "أنهى أحد المشرفين بثك المباشر: {reason}" },
      hi: { title: "आपकी स्ट्रीम समाप्त की गई", body: "एक मॉडरेटर ने आपकी लाइव स्ट्रीम समाप्त कर दी: {reason}" },
    },
  },
  "room-closed-by-staff": {
    category: "live",
    channels: INBOX_PUSH,
    push: HIGH,
    critical: true,
    params: ["roomId", "roomName", "reason"],
    deepLink: "app://room/{roomId}",
    texts: {
      en: { title: "Your room was closed", body: "A moderator closed your room {roomName}: {reason}" },
      ar: { title: "تم إغلاق غرفتك", body: "أغلق أحد المشرفين غرفتك {roomName}: {reason}" },
      hi: { title: "आपका रूम बंद किया गया", body: "एक मॉडरेटर ने आपका रूम {roomName} बंद कर दिया: {reason}" },
    },
  },
};

/** "ar-EG" → "ar"; a language without texts → "en". */
export function languageOf(tag: string | null | undefined): Language {
  const primary = (tag ?? "").split(/[-_]/)[0]?.toLowerCase();
  return (LANGUAGES as readonly string[]).includes(primary ?? "") ? (primary as Language) : "en";
}

/** Fills {name} placeholders; a missing value throws, because the template and its caller disagree. */
export function fill(text: string, values: Record<string, string | number>, encode = false): string {
  return text.replace(/\{([a-zA-Z][a-zA-Z0-9]*)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`notification template: no value for {${name}} in "${text}"`);
    return encode ? encodeURIComponent(String(value)) : String(value);
  });
}

export interface RenderedNotification {
  title: string;
  body: string;
  deepLink: string;
}

/**
 * The texts and deep link of one notification in the recipient's language. With `aggregate` (several events
 * summed in one window) the type's aggregated texts name one actor and count the others.
 */
export function renderNotification(
  type: NotificationType,
  language: string | null | undefined,
  data: NotificationData,
  aggregate?: { count: number; actorName: string },
): RenderedNotification {
  const template = TEMPLATES[type];
  const lang = languageOf(language);
  const deepLink = fill(template.deepLink, data, true);
  if (aggregate && aggregate.count > 1 && template.aggregated) {
    const texts = template.aggregated[lang];
    const others = aggregate.count - 1;
    const form = new Intl.PluralRules(lang).select(others);
    const values = { ...data, actorName: aggregate.actorName, others };
    return { title: fill(texts.title, values), body: fill(texts.body[form] ?? texts.body.other, values), deepLink };
  }
  const texts = template.texts[lang];
  return { title: fill(texts.title, data), body: fill(texts.body, data), deepLink };
}
