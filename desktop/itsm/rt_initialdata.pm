# Request Tracker set-up for Helpdesk Assistant, for RT admins:
#
#   rt-setup-database-5 --action insert --skip-create --datafile rt_initialdata.pm
#
# Creates the global ticket custom field the assistant uses to send each ticket exactly
# once: it stores the client-generated idempotency key, and a retry searches for it with
# TicketSQL ('CF.{HelpdeskIdempotencyKey}' = 'key') before creating a second ticket.
# The assistant's users need SeeCustomField and ModifyCustomField on it (granted here to
# Everyone; narrow it to your requestors' group if you prefer).
@CustomFields = (
    {
        Name        => 'HelpdeskIdempotencyKey',
        Type        => 'FreeformSingle',
        LookupType  => 'RT::Queue-RT::Ticket',
        Queue       => 0,
        Description => 'Helpdesk Assistant: client idempotency key (do not edit)',
    },
);
@Final = (
    sub {
        my $cf = RT::CustomField->new(RT->SystemUser);
        $cf->LoadByName(Name => 'HelpdeskIdempotencyKey', LookupType => 'RT::Queue-RT::Ticket');
        my $everyone = RT::Group->new(RT->SystemUser);
        $everyone->LoadSystemInternalGroup('Everyone');
        for my $right (qw(SeeCustomField ModifyCustomField)) {
            $everyone->PrincipalObj->GrantRight(Right => $right, Object => $cf);
        }
    },
);
