/** Mantine's notifications, as one chunk that start.tsx loads after the first paint (their styles go into the window's one stylesheet). */
import '@mantine/notifications/styles.css';

export { Notifications, notifications } from '@mantine/notifications';
