export { useLogout } from "./api/logout";
export { ChangePasswordModal } from "./components/change-password-modal";
export { InvitePage } from "./components/invite-page";
export { LoginPage } from "./components/login-page";
export { loginPathFor, safeNextPath } from "./next-path";
