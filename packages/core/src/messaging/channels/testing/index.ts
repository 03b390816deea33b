// Stand-ins for the providers outside the machine, each a local server speaking the provider's documented contract.
export { startFakeAliyunSms, type FakeAliyunSms, type AliyunSmsSendRecord } from "./fake-aliyun-sms";
export { startFakeTencentSms, verifyTc3, type FakeTencentSms, type TencentSmsSendRecord } from "./fake-tencent-sms";
export { startFakeWecom, type FakeWecom, type WecomTaskRecord } from "./fake-wecom";
export { startFakeWechat, type FakeWechat, type WechatSendRecord } from "./fake-wechat";
export { startSmtpReceiver, type SmtpReceiver } from "./smtp-receiver";
export { startFakeHttpServer, type FakeHttpServer, type FakeRequest } from "./fake-http-server";
