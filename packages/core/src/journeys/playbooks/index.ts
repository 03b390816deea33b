export { listPlaybooks, instantiatePlaybook, PLAYBOOK_KEYS, type PlaybookPicks } from "./playbooks";
export { playbookErrors } from "./playbooks.errors";
