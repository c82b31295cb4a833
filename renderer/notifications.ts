/** Mantine's notifications with their styles, as one chunk that start.tsx loads after the first paint. */
import '@mantine/notifications/styles.css';

export { Notifications, notifications } from '@mantine/notifications';
